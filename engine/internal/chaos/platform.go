package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/osbkit/osb-go-sdk/engine"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// soakKey seals the soak's records; every platform process of a run shares it.
var soakKey = []byte("chaos-soak-key-0123456789abcdef!")

// platform is one run of a platform process.
type platform struct {
	settings PlatformSettings
	out      io.Writer
	sends    atomic.Int64
	vault    *os.File
	vaultMu  sync.Mutex
}

// RunPlatform runs the lifecycles through an engine until every one ended, then prints a
// Summary line to out ("summary {...}"); it prints "progress ENDED" lines meanwhile and "kill
// POINT" just before it kills itself at s.Kill.
func RunPlatform(ctx context.Context, s PlatformSettings, out io.Writer, logs io.Writer) error {
	vault, err := os.OpenFile(s.CredentialsFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer vault.Close()
	p := &platform{settings: s, out: out, vault: vault}
	e, err := p.open(ctx, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	if err := e.Start(ctx); err != nil {
		return err
	}
	defer func() { _ = e.Stop(context.WithoutCancel(ctx)) }()
	c := newController(e, s)
	for tick := 0; ; tick++ {
		allEnded, err := c.reconcile(ctx)
		if err != nil {
			fmt.Fprintln(logs, "reconcile:", err) // the store may be down: try again
		}
		if allEnded {
			summary, err := c.summary(ctx)
			if err != nil {
				return err
			}
			line, _ := json.Marshal(summary)
			fmt.Fprintf(out, "summary %s\n", line)
			return nil
		}
		if tick%20 == 0 {
			fmt.Fprintf(out, "progress %d\n", len(c.ended))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (p *platform) open(ctx context.Context, logger *slog.Logger) (*engine.Engine, error) {
	cfg := engine.Config{
		Clients: p.client, Key: soakKey, OnCredentials: p.handOver, Logger: logger,
		MaxPollingDuration: 10 * time.Minute, MinDelay: 100 * time.Millisecond, MaxDelay: time.Second,
		Workers: 20, JobTimeout: 2 * time.Second, RescueAfter: 3 * time.Second, FetchInterval: 50 * time.Millisecond,
	}
	if p.settings.Driver == "sqlite" {
		return engine.OpenSQLite(ctx, p.settings.Database, cfg)
	}
	pool, err := pgxpool.New(ctx, p.settings.Database)
	if err != nil {
		return nil, err
	}
	return engine.OpenPostgres(ctx, pool, cfg)
}

// client builds a broker's client, whose transport kills the process after the chosen send.
func (p *platform) client(_ context.Context, broker string) (*osb.OpenServiceBrokerV1, error) {
	address, ok := p.settings.Brokers[broker]
	if !ok {
		return nil, fmt.Errorf("no broker named %q", broker)
	}
	client, err := osb.NewOpenServiceBrokerV1(&osb.OpenServiceBrokerV1Options{URL: address.URL,
		Authenticator: &core.BasicAuthenticator{Username: address.Username, Password: address.Password}})
	if err != nil {
		return nil, err
	}
	httpClient := client.GetHTTPClient()
	httpClient.Timeout = time.Second
	next := httpClient.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	httpClient.Transport = killingTransport{next: next, platform: p}
	return client, nil
}

type killingTransport struct {
	next     http.RoundTripper
	platform *platform
}

func (t killingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	response, err := t.next.RoundTrip(r)
	s := t.platform.settings
	if r.Method != http.MethodGet && s.Kill == KillAfterSend && t.platform.sends.Add(1) == int64(s.KillSend) {
		t.platform.kill(KillAfterSend)
	}
	return response, err
}

// handOver is OnCredentials: it appends the binding's login to the vault file and syncs it.
func (p *platform) handOver(_ context.Context, op engine.Operation, answer *osb.BindingPutResp) error {
	if p.settings.Kill == KillAtHandOver {
		p.kill(KillAtHandOver)
	}
	username, _ := answer.Credentials["username"].(string)
	if username == "" {
		return errors.New("the bind answer carries no username")
	}
	line, _ := json.Marshal(vaultEntry{BindingID: op.Record.BindingID, Username: username})
	p.vaultMu.Lock()
	defer p.vaultMu.Unlock()
	if _, err := p.vault.Write(append(line, '\n')); err != nil {
		return err
	}
	return p.vault.Sync()
}

// vaultEntry is one line of the credentials file.
type vaultEntry struct {
	BindingID string `json:"binding_id"`
	Username  string `json:"username"`
}

// kill says where, then kills the process as a crash would: no deferred call runs.
func (p *platform) kill(point KillPoint) {
	fmt.Fprintf(p.out, "kill %s\n", point)
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {} // the signal arrives
}
