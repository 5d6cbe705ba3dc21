package brokertest

import (
	"bytes"
	"encoding/json"
	"io"
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
	// edit, when set, rewrites the broker's body once it is complete.
	edit func(body []byte) []byte
}

// rewriteAnswers applies the misbehaviours that change an answer the broker library wrote.
func rewriteAnswers(next http.Handler, misbehave map[Misbehaviour]bool) http.Handler {
	if !misbehave[MisbehaveEmptyDeleteBody] && !misbehave[MisbehaveGoneAsText] && !misbehave[MisbehaveEmptyErrorDescription] &&
		!misbehave[MisbehaveFetchMissingAnswers410] && !misbehave[MisbehavePollMissingAnswers410] &&
		!misbehave[MisbehaveInstanceUsableOnEveryPoll] && !misbehave[MisbehaveMalformedAnswers422] && !misbehave[MisbehaveUnprocessableBodyAnswers422] &&
		!misbehave[MisbehaveUnbindAnswers204] {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		unprocessable := unprocessableBody(r)
		rewriter := &answerRewriter{ResponseWriter: w, decide: func(status int) answerRewrite {
			return misbehavingAnswer(r, status, unprocessable, misbehave)
		}}
		next.ServeHTTP(rewriter, r)
		rewriter.finish()
	})
}

// unprocessableBody reports whether r carries a body that is not JSON, leaving the body for the
// handlers to read.
func unprocessableBody(r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return false
	}
	data, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(data))
	return err == nil && len(bytes.TrimSpace(data)) > 0 && !json.Valid(data)
}

// misbehavingAnswer decides how the misbehaviours change the answer to r, of the given status;
// unprocessable says r's body is not JSON.
func misbehavingAnswer(r *http.Request, status int, unprocessable bool, misbehave map[Misbehaviour]bool) answerRewrite {
	rewrite := answerRewrite{status: status}
	polling := strings.HasSuffix(r.URL.EscapedPath(), "/last_operation")
	unbinding := r.Method == http.MethodDelete && strings.Contains(r.URL.EscapedPath(), "/service_bindings/")
	switch {
	case unbinding && status == http.StatusOK && misbehave[MisbehaveUnbindAnswers204]:
		rewrite.status, rewrite.replace = http.StatusNoContent, true
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
	case status == http.StatusBadRequest && unprocessable && misbehave[MisbehaveUnprocessableBodyAnswers422]:
		rewrite.status = http.StatusUnprocessableEntity
	case status == http.StatusBadRequest && r.Method != http.MethodGet && !unprocessable && misbehave[MisbehaveMalformedAnswers422]:
		rewrite.status = http.StatusUnprocessableEntity
	case status == http.StatusOK && polling && !strings.Contains(r.URL.EscapedPath(), "/service_bindings/") && misbehave[MisbehaveInstanceUsableOnEveryPoll]:
		rewrite.edit = withInstanceUsable
	}
	return rewrite
}

// withInstanceUsable adds "instance_usable": true to a JSON object.
func withInstanceUsable(body []byte) []byte {
	var object map[string]any
	if json.Unmarshal(body, &object) != nil {
		return body
	}
	object["instance_usable"] = true
	edited, err := json.Marshal(object)
	if err != nil {
		return body
	}
	return edited
}

// answerRewriter applies an answerRewrite once the status of the answer is known.
type answerRewriter struct {
	http.ResponseWriter
	decide  func(status int) answerRewrite
	rewrite *answerRewrite
	// held is the body an edit waits for.
	held []byte
}

func (w *answerRewriter) WriteHeader(code int) {
	if w.rewrite != nil {
		return
	}
	rewrite := w.decide(code)
	w.rewrite = &rewrite
	if rewrite.edit != nil {
		return // the header goes out with the edited body, in finish
	}
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
	if w.rewrite.edit != nil {
		w.held = append(w.held, p...)
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// finish writes the header of an answer that wrote nothing, and an edited answer.
func (w *answerRewriter) finish() {
	if w.rewrite == nil {
		w.WriteHeader(http.StatusOK)
	}
	if w.rewrite.edit != nil {
		body := w.rewrite.edit(w.held)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.ResponseWriter.WriteHeader(w.rewrite.status)
		_, _ = w.ResponseWriter.Write(body) // the client went away; nothing left to tell it
	}
}

func (w *answerRewriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
