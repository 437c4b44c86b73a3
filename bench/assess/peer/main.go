// A Pluto-style detector used as the benchmark peer when Pluto itself cannot be built: it does what
// `pluto detect-files -d DIR -o json` does for the figure that matters (walk the directory, decode every
// YAML or JSON document with go-yaml v3, read apiVersion/kind/metadata and the items of Lists, look the
// version up in a table of removed APIs, print the hits as JSON). Written for Plinth's benchmark; not Pluto's code.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

type object struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name      string `yaml:"name"`
		Namespace string `yaml:"namespace"`
	} `yaml:"metadata"`
	// A List's items (JSON is YAML, so .json files decode the same way).
	Items []object `yaml:"items"`
}

type hit struct {
	File       string `json:"filePath"`
	Name       string `json:"name"`
	Namespace  string `json:"namespace,omitempty"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Removed    string `json:"removedIn"`
}

var removed = map[string]string{
	"extensions/v1beta1/Deployment": "v1.16.0", "apps/v1beta1/Deployment": "v1.16.0", "apps/v1beta2/Deployment": "v1.16.0",
	"extensions/v1beta1/Ingress": "v1.22.0", "networking.k8s.io/v1beta1/Ingress": "v1.22.0",
	"batch/v1beta1/CronJob": "v1.25.0", "policy/v1beta1/PodDisruptionBudget": "v1.25.0", "policy/v1beta1/PodSecurityPolicy": "v1.25.0",
	"autoscaling/v2beta1/HorizontalPodAutoscaler": "v1.25.0", "autoscaling/v2beta2/HorizontalPodAutoscaler": "v1.26.0",
	"apiextensions.k8s.io/v1beta1/CustomResourceDefinition": "v1.22.0",
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: assess-peer DIR")
		os.Exit(2)
	}
	hits := []hit{}
	docs := 0
	err := filepath.WalkDir(os.Args[1], func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".json")) {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		dec := yaml.NewDecoder(f)
		for {
			var o object
			if err := dec.Decode(&o); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return fmt.Errorf("%s: %w", p, err)
			}
			objs := []object{o}
			if strings.HasSuffix(o.Kind, "List") {
				objs = o.Items
			}
			for _, o := range objs {
				docs++
				if r, ok := removed[o.APIVersion+"/"+o.Kind]; ok {
					hits = append(hits, hit{p, o.Metadata.Name, o.Metadata.Namespace, o.APIVersion, o.Kind, r})
				}
			}
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, _ := json.Marshal(map[string]any{"items": hits, "documents": docs})
	os.Stdout.Write(out)
}
