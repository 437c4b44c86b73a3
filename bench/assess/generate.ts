/** Generate N manifest objects in files of `perFile` documents; about 2% use removed API versions. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function deployment(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: team-${i % 50}
  labels:
    app: app-${i}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-${i}
  template:
    metadata:
      labels:
        app: app-${i}
    spec:
      containers:
      - name: main
        image: registry.example.com/app:${i % 7}.0
        ports:
        - containerPort: 8080
        resources:
          requests: {cpu: 100m, memory: 128Mi}
`;
}
const service = (i: number): string => `apiVersion: v1
kind: Service
metadata:
  name: app-${i}
  namespace: team-${i % 50}
spec:
  selector: {app: app-${i}}
  ports:
  - port: 80
    targetPort: 8080
`;
const configMap = (i: number): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-${i}-config
  namespace: team-${i % 50}
data:
  LOG_LEVEL: info
  FEATURE_X: "true"
`;
const OLD = [
  (i: number): string => `apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: job-${i}
  namespace: team-${i % 50}
spec:
  schedule: "0 3 * * *"
  jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: busybox}], restartPolicy: OnFailure}}}}
`,
  (i: number): string => `apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: pdb-${i}
  namespace: team-${i % 50}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: app-${i}}}
`,
  (i: number): string => `apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: ing-${i}
  namespace: team-${i % 50}
spec:
  rules:
  - host: app-${i}.example.com
    http:
      paths:
      - path: /
        backend: {serviceName: app-${i}, servicePort: 80}
`,
];

/** Writes the files; returns how many objects use a removed version. */
export function generateManifests(dir: string, objects: number, perFile: number): number {
  mkdirSync(dir, { recursive: true });
  let old = 0;
  for (let f = 0; f * perFile < objects; f++) {
    const docs: string[] = [];
    for (let i = f * perFile; i < Math.min(objects, (f + 1) * perFile); i++) {
      if (i % 50 === 0) {
        docs.push(OLD[(i / 50) % OLD.length]!(i));
        old++;
      } else docs.push([deployment, service, configMap][i % 3]!(i));
    }
    writeFileSync(join(dir, `part-${String(f).padStart(4, '0')}.yaml`), docs.join('---\n'));
  }
  return old;
}
