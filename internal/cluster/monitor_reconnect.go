package cluster

// Moving the control connection when its node is lost, and the
// monitor's logging.

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// reconnect re-establishes the control connection after it was lost: on
// another known host, local datacenter first (the lost one last), then,
// when none answers, on the contact points resolved again (their
// addresses may have changed), in rounds separated by a backoff that
// never gives up. It then reads everything again, as events may have been
// lost meanwhile.
func (m *Monitor) reconnect(ctx context.Context, cause error) {
	lost := m.addr
	start := time.Now()
	m.conn.Close()
	if ctx.Err() != nil {
		return
	}
	m.warn("control connection lost", "addr", lost, "err", cause)
	for round := 0; ; round++ {
		var tried []string
		var errs []error
		try := func(addrs []string) bool {
			for _, addr := range addrs {
				if ctx.Err() != nil || slices.Contains(tried, addr) {
					continue
				}
				tried = append(tried, addr)
				t, err := m.connect(ctx, addr)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				// This refresh stands for the one an open batch asked for.
				m.deb.batch.Refresh = false
				m.publish(t)
				m.info("control connection re-established", "from", lost, "to", addr,
					"after", time.Since(start).Round(time.Millisecond).String(), "rounds", round+1)
				return true
			}
			return false
		}
		if try(m.knownHosts(lost)) {
			return
		}
		if ctx.Err() != nil {
			return
		}
		contacts, rerrs := m.resolve(ctx)
		if try(contacts) {
			return
		}
		if ctx.Err() != nil {
			return
		}
		delay := backoffDelay(round, rand.Float64())
		m.warn("no host answers the control connection: retrying", "tried", tried,
			"in", delay.Round(time.Millisecond).String(), "err", errorList(append(errs, rerrs...)))
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

// knownHosts lists the hosts of the snapshot to reconnect to: the local
// datacenter's, then the others, each group shuffled so that clients
// spread, and lost last.
func (m *Monitor) knownHosts(lost string) []string {
	var local, remote []string
	for _, h := range m.topo.Load().Hosts {
		switch {
		case h.Addr == lost:
		case h.Datacenter == m.localDC:
			local = append(local, h.Addr)
		default:
			remote = append(remote, h.Addr)
		}
	}
	rand.Shuffle(len(local), func(i, j int) { local[i], local[j] = local[j], local[i] })
	rand.Shuffle(len(remote), func(i, j int) { remote[i], remote[j] = remote[j], remote[i] })
	return append(append(local, remote...), lost)
}

// errorList is errors.Join on one line: "a; b".
type errorList []error

func (l errorList) Error() string {
	s := make([]string, len(l))
	for i, err := range l {
		s[i] = strings.TrimPrefix(err.Error(), "cassandra: ") // under a message of its own
	}
	return strings.Join(s, "; ")
}

func (l errorList) Unwrap() []error { return l }

func (m *Monitor) info(msg string, args ...any) { m.logAt(slog.LevelInfo, msg, args...) }
func (m *Monitor) warn(msg string, args ...any) { m.logAt(slog.LevelWarn, msg, args...) }
func (m *Monitor) debug(msg string, args ...any) {
	m.logAt(slog.LevelDebug, msg, args...)
}

func (m *Monitor) logAt(level slog.Level, msg string, args ...any) {
	if m.log != nil {
		m.log.Log(context.Background(), level, "cassandra: "+msg, args...)
	}
}
