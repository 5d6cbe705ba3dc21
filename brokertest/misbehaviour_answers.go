package brokertest

import (
	"net/http"
	"strconv"
	"strings"
)

// answerRewrite is how a misbehaviour changes one answer: its status, a header, its body.
type answerRewrite struct {
	status      int
	contentType string
	// body replaces the broker's body when replace is set (nil: no body at all).
	body    []byte
	replace bool
}

// rewriteAnswers applies the misbehaviours that change an answer the broker library wrote.
func rewriteAnswers(next http.Handler, misbehave map[Misbehaviour]bool) http.Handler {
	if !misbehave[MisbehaveEmptyDeleteBody] && !misbehave[MisbehaveGoneAsText] && !misbehave[MisbehaveEmptyErrorDescription] &&
		!misbehave[MisbehaveFetchMissingAnswers410] && !misbehave[MisbehavePollMissingAnswers410] {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rewriter := &answerRewriter{ResponseWriter: w, decide: func(status int) answerRewrite {
			return misbehavingAnswer(r, status, misbehave)
		}}
		next.ServeHTTP(rewriter, r)
		rewriter.finish()
	})
}

// misbehavingAnswer decides how the misbehaviours change the answer to r, of the given status.
func misbehavingAnswer(r *http.Request, status int, misbehave map[Misbehaviour]bool) answerRewrite {
	rewrite := answerRewrite{status: status}
	polling := strings.HasSuffix(r.URL.EscapedPath(), "/last_operation")
	switch {
	case r.Method == http.MethodDelete && status == http.StatusOK && misbehave[MisbehaveEmptyDeleteBody]:
		rewrite.replace = true
	case status == http.StatusGone && misbehave[MisbehaveGoneAsText]:
		rewrite.contentType = "text/plain; charset=utf-8"
	case status == http.StatusNotFound && r.Method == http.MethodGet && !polling && misbehave[MisbehaveFetchMissingAnswers410]:
		rewrite.status, rewrite.replace, rewrite.body = http.StatusGone, true, []byte("{}\n")
	case status == http.StatusNotFound && r.Method == http.MethodGet && polling && misbehave[MisbehavePollMissingAnswers410]:
		rewrite.status, rewrite.replace, rewrite.body = http.StatusGone, true, []byte("{}\n")
	case status == http.StatusNotFound && misbehave[MisbehaveEmptyErrorDescription]:
		rewrite.replace, rewrite.body = true, []byte(`{"description":""}`+"\n")
	}
	return rewrite
}

// answerRewriter applies an answerRewrite once the status of the answer is known.
type answerRewriter struct {
	http.ResponseWriter
	decide  func(status int) answerRewrite
	rewrite *answerRewrite
}

func (w *answerRewriter) WriteHeader(code int) {
	if w.rewrite != nil {
		return
	}
	rewrite := w.decide(code)
	w.rewrite = &rewrite
	if rewrite.contentType != "" {
		w.Header().Set("Content-Type", rewrite.contentType)
	}
	if rewrite.replace {
		w.Header().Set("Content-Length", strconv.Itoa(len(rewrite.body)))
		if rewrite.body == nil {
			w.Header().Del("Content-Type")
		}
	}
	w.ResponseWriter.WriteHeader(rewrite.status)
	if rewrite.replace && rewrite.body != nil {
		_, _ = w.ResponseWriter.Write(rewrite.body) // the client went away; nothing left to tell it
	}
}

func (w *answerRewriter) Write(p []byte) (int, error) {
	if w.rewrite == nil {
		w.WriteHeader(http.StatusOK)
	}
	if w.rewrite.replace {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// finish writes the header of an answer that wrote nothing.
func (w *answerRewriter) finish() {
	if w.rewrite == nil {
		w.WriteHeader(http.StatusOK)
	}
}

func (w *answerRewriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
