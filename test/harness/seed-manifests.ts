// Manifests the seed documents give verbatim, shared by the tests that replay them
// (test/e2e/kubelet.test.ts on a standalone kubelet, test/e2e/seeds/ on kube server).

/** The seed's nginx.yml; `nodeName` added when given (its nginx.json / "ajouter le champ nodeName"). */
export const seed003NginxYaml = (nodeName?: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
${nodeName ? `  nodeName: ${nodeName}\n` : ""}  containers:
  - name: nginx
    image: nginx
    ports:
    - containerPort: 80
    volumeMounts:
    - mountPath: /var/log/nginx
      name: nginx-logs
  - name: log-truncator
    image: busybox
    command:
    - /bin/sh
    args: [-c, 'while true; do cat /dev/null > /logdir/access.log; sleep 10; done']
    volumeMounts:
    - mountPath: /logdir
      name: nginx-logs
  volumes:
  - name: nginx-logs
    emptyDir: {}
`;
