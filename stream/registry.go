package stream

import (
	"fmt"
	"sync"
)

// The models a stream knows without being told: the built-in VAEs of
// package vae, found by name when writing and by hash when reading.

var (
	registryMu sync.RWMutex
	registry   []Model
	// modelLoader turns an embedded model file into a Model.
	modelLoader func(file []byte) (Model, error)
)

// Register adds m to the models every Reader knows and Lookup finds. The
// built-in models register themselves; tools register models they load.
func Register(m Model) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for _, r := range registry {
		if r.Hash() == m.Hash() {
			return
		}
	}
	registry = append(registry, m)
}

// Models returns the registered models.
func Models() []Model {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return append([]Model(nil), registry...)
}

// Lookup returns the registered model with the given name.
func Lookup(name string) (Model, error) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	for _, m := range registry {
		if m.Name() == name {
			return m, nil
		}
	}
	return nil, fmt.Errorf("stream: no model named %q", name)
}

func lookupHash(hash [32]byte, extra []Model) Model {
	for _, m := range extra {
		if m.Hash() == hash {
			return m
		}
	}
	registryMu.RLock()
	defer registryMu.RUnlock()
	for _, m := range registry {
		if m.Hash() == hash {
			return m
		}
	}
	return nil
}
