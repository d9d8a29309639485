package testcluster

import "errors"

// startDocker is replaced by the dockertest implementation; until then no
// container is started.
func startDocker() (string, error) { return "", errors.New("not implemented yet") }
