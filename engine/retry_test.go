package engine

import "github.com/riverqueue/river/rivertype"

func jobAttempt(n int) *rivertype.JobRow { return &rivertype.JobRow{Attempt: n} }
