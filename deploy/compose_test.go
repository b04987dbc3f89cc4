// Package deploy holds the production-like deployment files; its test
// validates docker-compose.yml with compose-go, the parser docker compose
// itself uses (no Docker engine is needed to run it).
package deploy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{"../docker-compose.yml"},
		cli.WithWorkingDirectory(".."), cli.WithName("lecms"), cli.WithResolvedPaths(true))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

func TestComposeDefinesTheStack(t *testing.T) {
	p := loadCompose(t)
	for _, name := range []string{"db", "api", "web"} {
		if _, ok := p.Services[name]; !ok {
			t.Fatalf("service %q missing", name)
		}
	}
	api := p.Services["api"]
	if dep, ok := api.DependsOn["db"]; !ok || dep.Condition != types.ServiceConditionHealthy {
		t.Errorf("api must wait for a healthy db, got %+v", api.DependsOn)
	}
	if v := api.Environment["LECMS_ENV"]; v == nil || *v != "production" {
		t.Errorf("api must run in production mode, got %v", v)
	}
	web := p.Services["web"]
	if len(web.Ports) != 1 || web.Ports[0].Target != 80 || web.Ports[0].Published != "8080" {
		t.Errorf("web must publish 8080→80, got %+v", web.Ports)
	}
	if len(p.Services["db"].HealthCheck.Test) == 0 {
		t.Error("db needs a health check")
	}
}

// Secrets reach containers as files; none may be written into the file.
func TestComposeKeepsSecretsOutOfTheFile(t *testing.T) {
	p := loadCompose(t)
	for name, svc := range p.Services {
		for k, v := range svc.Environment {
			if v == nil {
				continue
			}
			secretish := strings.Contains(k, "PASSWORD") || strings.Contains(k, "KEY") || strings.HasSuffix(k, "DATABASE_URL")
			if secretish && !strings.HasSuffix(k, "_FILE") {
				t.Errorf("service %s sets secret %s inline", name, k)
			}
		}
	}
	for _, s := range []string{"db_password", "data_key", "database_url"} {
		if _, ok := p.Secrets[s]; !ok {
			t.Errorf("secret %s not declared", s)
		}
	}
}

func TestComposeBuildFilesExist(t *testing.T) {
	p := loadCompose(t)
	for _, name := range []string{"api", "web"} {
		b := p.Services[name].Build
		if b == nil {
			t.Fatalf("service %s has no build", name)
		}
		df := b.Dockerfile
		if !filepath.IsAbs(df) {
			df = filepath.Join(b.Context, df)
		}
		if _, err := os.Stat(df); err != nil {
			t.Errorf("service %s: %v", name, err)
		}
	}
	if _, err := os.Stat("nginx.conf"); err != nil {
		t.Error(err)
	}
}
