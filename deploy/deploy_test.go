// Package deploy_test checks the deployment examples against Pier itself:
// the flags they pass exist, the ports line up from container to proxy,
// the lake is mounted read-only, and every image is one that exists.
package deploy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// serveFlags are the flags `pier serve` defines, read from its source.
func serveFlags(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("../cmd/pier/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("cmd/pier: %v", err)
	}
	defined := regexp.MustCompile(`fs\.[A-Za-z]+\((?:&[^,]+,\s*)?"([a-z][a-z0-9-]*)"`)
	out := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range defined.FindAllSubmatch(b, -1) {
			out[string(m[1])] = true
		}
	}
	if !out["flight-addr"] || !out["db"] {
		t.Fatalf("could not read pier's flags: %v", out)
	}
	return out
}

// checkServe checks a `pier serve` command line and returns its flags.
func checkServe(t *testing.T, where string, args []string, flags map[string]bool) map[string]string {
	t.Helper()
	if len(args) == 0 || args[0] != "serve" {
		t.Fatalf("%s: %v is not pier serve", where, args)
	}
	got := map[string]string{}
	for i := 1; i < len(args); i++ {
		name, ok := strings.CutPrefix(args[i], "--")
		if !ok || !flags[name] {
			t.Errorf("%s: %q is not a flag of pier serve", where, args[i])
			continue
		}
		if i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
			got[name] = args[i+1]
			i++
		} else {
			got[name] = "true"
		}
	}
	if got["lake"] != "/lake" || got["no-demo"] != "true" || got["flight-addr"] == "" {
		t.Errorf("%s: serves the lake at %q, no-demo %q, Flight SQL at %q", where, got["lake"], got["no-demo"], got["flight-addr"])
	}
	return got
}

func checkEnv(t *testing.T, where string, names []string, flags map[string]bool) {
	t.Helper()
	for _, n := range names {
		flag := strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(n, "PIER_")), "_", "-")
		if !strings.HasPrefix(n, "PIER_") || !flags[flag] {
			t.Errorf("%s: %s sets no flag of pier serve", where, n)
		}
	}
}

func port(addr string) string { return addr[strings.LastIndexByte(addr, ':')+1:] }

func TestTheComposeFileRunsReplicasBehindTheProxy(t *testing.T) {
	flags := serveFlags(t)
	var c struct {
		Services map[string]struct {
			Image       string
			Build       string
			Command     []string
			Environment map[string]string
			Volumes     []string
			Ports       []string
		}
	}
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	caddy, err := os.ReadFile("Caddyfile")
	if err != nil {
		t.Fatal(err)
	}
	docker, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var replicas []string
	for name, s := range c.Services {
		if s.Image == "" || !strings.Contains(s.Image, ":") {
			t.Errorf("%s: image %q has no tag", name, s.Image)
		}
		if !strings.HasPrefix(name, "pier-") {
			continue
		}
		replicas = append(replicas, name)
		if s.Build != ".." {
			t.Errorf("%s: built from %q, not the repository's Dockerfile", name, s.Build)
		}
		got := checkServe(t, name, s.Command, flags)
		var env []string
		for k := range s.Environment {
			env = append(env, k)
		}
		checkEnv(t, name, env, flags)
		if !strings.HasPrefix(s.Environment["PIER_DB"], "postgres://") || !strings.Contains(s.Environment["PIER_DB"], "@postgres:5432/") {
			t.Errorf("%s: the store is %q, not the compose file's PostgreSQL", name, s.Environment["PIER_DB"])
		}
		web, fl := port(got["addr"]), port(got["flight-addr"])
		if !bytes.Contains(caddy, []byte(name+":"+web)) || !bytes.Contains(caddy, []byte("h2c://"+name+":"+fl)) {
			t.Errorf("%s: the Caddyfile does not send the web (%s) and Flight SQL (%s) to it", name, web, fl)
		}
		if !bytes.Contains(docker, []byte("EXPOSE "+web)) {
			t.Errorf("%s: listens on %s, which the Dockerfile does not expose", name, web)
		}
		if !slices.ContainsFunc(s.Volumes, func(v string) bool { return strings.HasSuffix(v, ":/lake:ro") }) {
			t.Errorf("%s: the lake is not mounted read-only at /lake: %v", name, s.Volumes)
		}
	}
	if len(replicas) < 2 {
		t.Errorf("replicas %v; want two or more", replicas)
	}
	if _, ok := c.Services["postgres"]; !ok {
		t.Error("no PostgreSQL service")
	}
	if p := c.Services["proxy"].Ports; !slices.Contains(p, "443:443") || !slices.Contains(p, "32010:32010") {
		t.Errorf("the proxy publishes %v; want 443 and 32010", p)
	}
}

func TestTheKubernetesExampleMountsTheLakeReadOnly(t *testing.T) {
	flags := serveFlags(t)
	b, err := os.ReadFile("kubernetes/pier.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type portSpec struct {
		Name          string
		ContainerPort int `yaml:"containerPort"`
		Port          int
		TargetPort    string `yaml:"targetPort"`
	}
	type doc struct {
		Kind       string
		Metadata   struct{ Name string }
		StringData map[string]string `yaml:"stringData"`
		Spec       struct {
			Replicas int
			Ports    []portSpec
			Template struct {
				Spec struct {
					Containers []struct {
						Image string
						Args  []string
						Env   []struct {
							Name      string
							ValueFrom struct {
								SecretKeyRef struct{ Name, Key string } `yaml:"secretKeyRef"`
							} `yaml:"valueFrom"`
						}
						Ports        []portSpec
						VolumeMounts []struct {
							Name      string
							MountPath string `yaml:"mountPath"`
							ReadOnly  bool   `yaml:"readOnly"`
						} `yaml:"volumeMounts"`
					}
					Volumes []struct {
						Name string
						PVC  *struct {
							ReadOnly bool `yaml:"readOnly"`
						} `yaml:"persistentVolumeClaim"`
					}
				}
			}
		}
	}
	byKind := map[string]doc{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var d doc
		if err := dec.Decode(&d); err != nil {
			break
		}
		byKind[d.Kind] = d
	}
	secret, dep, svc := byKind["Secret"], byKind["Deployment"], byKind["Service"]
	if secret.Metadata.Name == "" || dep.Metadata.Name == "" || svc.Metadata.Name == "" || dep.Spec.Replicas < 2 {
		t.Fatalf("want a Secret, a Deployment of two or more and a Service: %v", byKind)
	}
	c := dep.Spec.Template.Spec.Containers[0]
	got := checkServe(t, "deployment", c.Args, flags)
	for _, e := range c.Env {
		checkEnv(t, "deployment", []string{e.Name}, flags)
		if ref := e.ValueFrom.SecretKeyRef; ref.Name != "" && (ref.Name != secret.Metadata.Name || secret.StringData[ref.Key] == "") {
			t.Errorf("%s comes from %s/%s, which the Secret does not hold", e.Name, ref.Name, ref.Key)
		}
	}
	named := map[string]int{}
	for _, p := range c.Ports {
		named[p.Name] = p.ContainerPort
	}
	if port(got["addr"]) != "8080" || named["http"] != 8080 || port(got["flight-addr"]) != "32010" || named["flight-sql"] != 32010 {
		t.Errorf("listens on %s and %s, declares %v", got["addr"], got["flight-addr"], named)
	}
	for _, p := range svc.Spec.Ports {
		if _, ok := named[p.TargetPort]; !ok {
			t.Errorf("the Service sends port %d to %q, which the container does not declare", p.Port, p.TargetPort)
		}
	}
	lake := slices.IndexFunc(c.VolumeMounts, func(m struct {
		Name      string
		MountPath string `yaml:"mountPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	}) bool {
		return m.MountPath == "/lake"
	})
	if lake < 0 || !c.VolumeMounts[lake].ReadOnly {
		t.Fatalf("the lake is not mounted read-only at /lake: %+v", c.VolumeMounts)
	}
	for _, v := range dep.Spec.Template.Spec.Volumes {
		if v.Name == c.VolumeMounts[lake].Name && (v.PVC == nil || !v.PVC.ReadOnly) {
			t.Errorf("the lake's volume %q is not a read-only claim", v.Name)
		}
	}
}
