// Wrapper module: builds CoreDNS with its default plugin set (kubernetes plugin on client-go 0.34).
module kubeknock.local/build/coredns

go 1.24.0

require github.com/coredns/coredns v1.12.4
