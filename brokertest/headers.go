package brokertest

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
)

const requestIdentityHeader = "X-Broker-API-Request-Identity"

// requestIdentity echoes X-Broker-API-Request-Identity in every answer, as "Request Identity"
// says a broker SHOULD, including injected faults and the IBM state endpoints; with echo false
// (MisbehaveNoIdentityEcho) it removes the header the broker library sets.
func requestIdentity(next http.Handler, echo bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		identity := r.Header.Get(requestIdentityHeader)
		next.ServeHTTP(&headerEditor{ResponseWriter: w, edit: func(_ int, h http.Header) {
			if echo && identity != "" {
				h.Set(requestIdentityHeader, identity)
			} else {
				h.Del(requestIdentityHeader)
			}
		}}, r)
	})
}

// retryAfterOnLastOperation adds Retry-After to successful last_operation answers; a negative
// number of seconds leaves it out.
func retryAfterOnLastOperation(next http.Handler, seconds int) http.Handler {
	if seconds < 0 {
		return next
	}
	value := strconv.Itoa(seconds)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.EscapedPath(), "/last_operation") {
			w = &headerEditor{ResponseWriter: w, edit: func(status int, h http.Header) {
				if status == http.StatusOK {
					h.Set("Retry-After", value)
				}
			}}
		}
		next.ServeHTTP(w, r)
	})
}

// headerEditor lets edit change the headers of an answer once its status is known.
type headerEditor struct {
	http.ResponseWriter
	edit   func(status int, h http.Header)
	edited bool
}

func (w *headerEditor) WriteHeader(code int) {
	if !w.edited {
		w.edited = true
		w.edit(code, w.Header())
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *headerEditor) Write(p []byte) (int, error) {
	if !w.edited {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

func (w *headerEditor) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// basicAuth refuses a request without the broker's basic-auth credentials with 401 and an
// error body in JSON, as every answer of the broker is ("Platform to Service Broker
// Authentication", "Content Type").
func basicAuth(username, password string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(username)) != 1 || subtle.ConstantTimeCompare([]byte(pass), []byte(password)) != 1 {
			writeOSBError(w, http.StatusUnauthorized, "the request carries no valid basic-auth credentials")
			return
		}
		next.ServeHTTP(w, r)
	})
}
