/**
 * The story's NetworkPolicies for namespace obsdemo: POSTGRES_LOCKDOWN (only app=backend may reach
 * app=postgres on 5432, the lockdown that cut the analytics job nobody knew about) and
 * POSTGRES_BOTH_CLIENTS (backend and analytics may).
 */
export const POSTGRES_LOCKDOWN = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: postgres-lockdown, namespace: obsdemo}
spec:
  podSelector: {matchLabels: {app: postgres}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: backend}}}], ports: [{port: 5432}]}]
`;

export const POSTGRES_BOTH_CLIENTS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: postgres-clients, namespace: obsdemo}
spec:
  podSelector: {matchLabels: {app: postgres}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: backend}}}, {podSelector: {matchLabels: {app: analytics}}}], ports: [{port: 5432}]}]
`;
