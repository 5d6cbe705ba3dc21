package common

// Version is the version of osb-go-sdk, sent in the User-Agent header of every request.
const Version = "0.1.0"
