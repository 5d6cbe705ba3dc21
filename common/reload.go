package common

import (
	"io/fs"
	"os"
	"slices"
	"sync"
	"time"
)

// DefaultFileCheckInterval is how often, at most, a credential file is checked for a change.
// A check costs one stat per file; the file is read only when the check sees a change.
const DefaultFileCheckInterval = time.Second

// watchedFile is one file a reloader derives its value from.
type watchedFile struct {
	kind FileKind
	path string
}

// readFileFunc reads a whole file, like os.ReadFile.
type readFileFunc func(path string) ([]byte, error)

// reloader caches a value derived from files and derives it again when one of the files
// changes. Changes are detected from the files' identity, size and modification time, checked
// at most once per interval, so a value used on every request costs no file reads. It is safe
// for concurrent use.
type reloader[T any] struct {
	files []watchedFile
	load  func(read readFileFunc) (T, error)

	// now and readFile are seams for tests: a fake clock and a read counter.
	now      func() time.Time
	readFile readFileFunc

	mu        sync.Mutex
	interval  time.Duration
	value     T
	versions  []fs.FileInfo // the file versions value was derived from
	checkedAt time.Time
	err       error // the outcome of the latest check
}

// newReloader derives the first value at once, so a missing or unusable file is reported at
// construction.
func newReloader[T any](load func(read readFileFunc) (T, error), files ...watchedFile) (*reloader[T], error) {
	r := &reloader[T]{
		files:    files,
		load:     load,
		now:      time.Now,
		readFile: os.ReadFile,
		interval: DefaultFileCheckInterval,
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	return r, nil
}

// current returns the value derived from the newest usable version of the files, and the error
// of the latest check, if that check found a file missing or unusable.
func (r *reloader[T]) current() (T, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := r.now(); now.Sub(r.checkedAt) >= r.interval {
		r.checkAt(now)
	}
	return r.value, r.err
}

// check looks at the files now, whatever the interval, and returns what it found wrong.
func (r *reloader[T]) check() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checkAt(r.now())
	return r.err
}

// setInterval changes how often, at most, the files are checked.
func (r *reloader[T]) setInterval(interval time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.interval = interval
}

// checkAt records a check made at now; the caller holds r.mu. A failed check keeps the previous
// value and versions, so the next check tries again.
func (r *reloader[T]) checkAt(now time.Time) {
	r.checkedAt = now
	r.err = r.refresh()
}

// refresh derives the value again if any file changed since it was last derived. The files are
// stat'ed before they are read, so a change made during the read is seen by the next check.
func (r *reloader[T]) refresh() error {
	versions, err := r.stat()
	if err != nil {
		return err
	}
	if slices.EqualFunc(versions, r.versions, sameVersion) {
		return nil
	}
	value, err := r.load(r.readFile)
	if err != nil {
		return err
	}
	r.value, r.versions = value, versions
	return nil
}

// stat returns the current version of every file.
func (r *reloader[T]) stat() ([]fs.FileInfo, error) {
	versions := make([]fs.FileInfo, len(r.files))
	for i, file := range r.files {
		info, err := os.Stat(file.path)
		if err != nil {
			return nil, fileAccessError(file.kind, file.path, err)
		}
		versions[i] = info
	}
	return versions, nil
}

// sameVersion reports whether a and b describe the same content of a file. os.SameFile
// catches an atomic replacement (rename, or Kubernetes' symlink swap) even when size and
// modification time happen to match.
func sameVersion(a, b fs.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}
