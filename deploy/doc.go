// Package deploy holds the Kubernetes example manifests (see README.md).
// It has no code: its test checks that every manifest parses and that they
// agree with each other and with the gateway's configuration keys.
package deploy
