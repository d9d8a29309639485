package cassandra

import (
	"context"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/testcluster"
)

// TestIntegrationAppNameReachesServer checks that app_name and app_version
// travel in STARTUP: the server lists them in system_views.clients.
func TestIntegrationAppNameReachesServer(t *testing.T) {
	cfg := testConfig(t)
	cfg.AppName, cfg.AppVersion = testcluster.Name("app"), "1.2.3"
	db := openTestDB(t, cfg)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, "SELECT client_options FROM system_views.clients")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var opts map[string]string
		if err := rows.Scan(&opts); err != nil {
			t.Fatal(err)
		}
		if opts["APPLICATION_NAME"] == cfg.AppName {
			found++
			if got := opts["APPLICATION_VERSION"]; got != "1.2.3" {
				t.Errorf("APPLICATION_VERSION %q, want 1.2.3", got)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if found == 0 {
		t.Fatalf("no client of the server has APPLICATION_NAME %q", cfg.AppName)
	}
}
