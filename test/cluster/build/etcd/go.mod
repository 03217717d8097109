// Wrapper module: builds etcd's server binary. go.etcd.io/etcd/server/v3 points its sibling modules at
// ../api etc., which `go install pkg@version` refuses; as a dependency those replaces are ignored and
// the published siblings of the same version are used.
module kubeknock.local/build/etcd

go 1.26.0

require go.etcd.io/etcd/server/v3 v3.6.16
