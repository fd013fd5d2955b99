{{/*
The labels that say which release made an object, on each object's own metadata only. Pod templates and
selectors keep exactly the labels of k8s/*.yaml (app=<name>, part-of), so that `kubectl get pods -l app=rng`,
the network policies, the PodDisruptionBudget (which leaves out pods labelled app.kubernetes.io/instance, the
DaemonSet's and the canaries') and pods made the workshop's way all see the chart's pods as the manifests' own.
*/}}
{{- define "dockercoins.releaseLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* An object's labels: app=<name> (when given), part of dockercoins, made by this release. */}}
{{- define "dockercoins.labels" -}}
{{- with .app }}app: {{ . }}
{{ end -}}
app.kubernetes.io/part-of: dockercoins
{{ include "dockercoins.releaseLabels" .root }}
{{- end }}

{{/* <registry>/<repository>:<tag> of one of rng, hasher, worker, webui: its own values, else image.*. */}}
{{- define "dockercoins.image" -}}
{{- $root := .root -}}
{{- $image := (index $root.Values .name).image -}}
{{- $registry := $image.registry | default $root.Values.image.registry -}}
{{- $tag := $image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ $image.repository }}:{{ $tag }}
{{- end }}

{{- define "dockercoins.pullPolicy" -}}
{{- (index .root.Values .name).image.pullPolicy | default .root.Values.image.pullPolicy -}}
{{- end }}

{{/* Redis' image: its own registry only (the official image is not in the app's registry). */}}
{{- define "dockercoins.redisImage" -}}
{{- $image := .Values.redis.image -}}
{{- if $image.registry }}{{ $image.registry }}/{{ end }}{{ $image.repository }}:{{ $image.tag }}
{{- end }}

{{/* Whether redis.external.host is an IPv4 address (an EndpointSlice) rather than a DNS name (ExternalName). */}}
{{- define "dockercoins.redisExternalIsIP" -}}
{{- if regexMatch "^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$" .Values.redis.external.host }}true{{ end -}}
{{- end }}

{{/* Whether worker and webui talk TLS to an outside Redis. */}}
{{- define "dockercoins.redisTls" -}}
{{- if and (not .Values.redis.enabled) .Values.redis.external.tls.enabled }}true{{ end -}}
{{- end }}

{{/*
The host the worker and webui call: the Service `redis` (inside, or pointing outside), or with TLS the outside
host itself, since the server's certificate names that host and not `redis` (k8s/external-redis/README.md).
*/}}
{{- define "dockercoins.redisHost" -}}
{{- if include "dockercoins.redisTls" . }}{{ .Values.redis.external.host }}{{ else }}redis{{ end -}}
{{- end }}

{{- define "dockercoins.redisPort" -}}
{{- if .Values.redis.enabled }}6379{{ else }}{{ .Values.redis.external.port }}{{ end -}}
{{- end }}

{{/* The optional password Secret, as every manifest of k8s/ reads it. */}}
{{- define "dockercoins.redisPasswordEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      key: {{ .root.Values.redis.auth.secretKey }}
      name: {{ .root.Values.redis.auth.secretName }}
      optional: true
{{- end }}

{{/* What the Quarkus Kubernetes extension writes on each object it generates (k8s/<service>.yaml). */}}
{{- define "dockercoins.quarkusAnnotations" -}}
app.quarkus.io/quarkus-version: 3.33.2
prometheus.io/scrape: "true"
prometheus.io/path: /q/metrics
prometheus.io/port: "80"
prometheus.io/scheme: http
{{- end }}

{{/* The PriorityClass of a component's pods, with priorities on: the workers below everything they depend on. */}}
{{- define "dockercoins.priorityClassName" -}}
{{- if .root.Values.priorities.enabled -}}
priorityClassName: {{ if eq .name "worker" }}dockercoins-workers{{ else }}dockercoins-services{{ end }}
{{- end }}
{{- end }}

{{/* nodeSelector, tolerations, affinity of a component (its values `c`), each only when set. */}}
{{- define "dockercoins.placement" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* A replicas field only when set: null leaves the count to kubectl scale and the HorizontalPodAutoscaler. */}}
{{- define "dockercoins.replicas" -}}
{{- if not (kindIs "invalid" .replicas) -}}
replicas: {{ .replicas }}
{{- end }}
{{- end }}

{{/*
A Quarkus service's Service and Deployment, as the Quarkus Kubernetes extension generates them into
k8s/<name>.yaml (rng, hasher, worker, webui), with the values' images, replicas, resources, probes and extras.
Called with (dict "root" $ "name" "<name>").
*/}}
{{- define "dockercoins.quarkusService" -}}
{{- $root := .root -}}
{{- $name := .name -}}
{{- $c := index $root.Values $name -}}
{{- $redisClient := or (eq $name "worker") (eq $name "webui") -}}
{{- $tls := and $redisClient (include "dockercoins.redisTls" $root) -}}
{{- $labels := dict "app" $name "root" $root -}}
---
apiVersion: v1
kind: Service
metadata:
  annotations:
    {{- include "dockercoins.quarkusAnnotations" $root | nindent 4 }}
  labels:
    {{- include "dockercoins.labels" $labels | nindent 4 }}
  name: {{ $name }}
spec:
  ports:
    - name: http
      {{- if and $c.service (not (kindIs "invalid" $c.service.nodePort)) }}
      nodePort: {{ $c.service.nodePort }}
      {{- end }}
      port: 80
      protocol: TCP
      targetPort: 80
  selector:
    app: {{ $name }}
  type: {{ if $c.service }}{{ $c.service.type }}{{ else }}ClusterIP{{ end }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    {{- include "dockercoins.quarkusAnnotations" $root | nindent 4 }}
  labels:
    {{- include "dockercoins.labels" $labels | nindent 4 }}
  name: {{ $name }}
spec:
  {{- with include "dockercoins.replicas" $c }}{{ . | nindent 2 }}{{ end }}
  selector:
    matchLabels:
      app: {{ $name }}
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0%
    type: RollingUpdate
  template:
    metadata:
      annotations:
        {{- include "dockercoins.quarkusAnnotations" $root | nindent 8 }}
        {{- with $c.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        app: {{ $name }}
        app.kubernetes.io/part-of: dockercoins
        app.kubernetes.io/managed-by: {{ $root.Release.Service }}
    spec:
      automountServiceAccountToken: false
      containers:
        - env:
            {{- if $redisClient }}
            {{- include "dockercoins.redisPasswordEnv" (dict "root" $root "name" "REDIS_PASSWORD") | nindent 12 }}
            {{- end }}
            - name: JAVA_OPTS_APPEND
              value: -XX:MaxRAMPercentage=40
            - name: QUARKUS_HTTP_PORT
              value: "80"
            {{- if $redisClient }}
            - name: REDIS_HOST
              value: {{ include "dockercoins.redisHost" $root }}
            - name: REDIS_PORT
              value: {{ include "dockercoins.redisPort" $root | quote }}
            {{- end }}
            {{- if eq $name "worker" }}
            - name: WORKER_HASHER_URL
              value: http://hasher
            - name: WORKER_RNG_URL
              value: http://rng
            {{- end }}
            {{- if $tls }}
            - name: REDIS_TLS
              value: "true"
            {{- if $root.Values.redis.external.tls.caSecret }}
            - name: REDIS_TLS_CA
              value: /etc/redis-tls/{{ $root.Values.redis.external.tls.caKey }}
            {{- end }}
            {{- end }}
            {{- with $c.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          image: {{ include "dockercoins.image" (dict "root" $root "name" $name) }}
          imagePullPolicy: {{ include "dockercoins.pullPolicy" (dict "root" $root "name" $name) }}
          {{- if $c.probes.enabled }}
          livenessProbe:
            failureThreshold: 3
            httpGet:
              path: /q/health/live
              port: 80
              scheme: HTTP
            initialDelaySeconds: 0
            periodSeconds: 10
            successThreshold: 1
            timeoutSeconds: 2
          {{- end }}
          name: {{ $name }}
          ports:
            - containerPort: 80
              name: http
              protocol: TCP
          {{- if $c.probes.enabled }}
          readinessProbe:
            failureThreshold: 3
            httpGet:
              path: /q/health/ready
              port: 80
              scheme: HTTP
            initialDelaySeconds: 0
            periodSeconds: 5
            successThreshold: 1
            timeoutSeconds: 2
          {{- end }}
          {{- with $c.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop:
                - ALL
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            seccompProfile:
              type: RuntimeDefault
          {{- if $c.probes.enabled }}
          startupProbe:
            failureThreshold: 45
            httpGet:
              path: /q/health/started
              port: 80
              scheme: HTTP
            initialDelaySeconds: 0
            periodSeconds: 2
            successThreshold: 1
            timeoutSeconds: 2
          {{- end }}
          volumeMounts:
            - mountPath: /tmp
              name: tmp
            {{- if and $tls $root.Values.redis.external.tls.caSecret }}
            - mountPath: /etc/redis-tls
              name: redis-tls
              readOnly: true
            {{- end }}
      enableServiceLinks: false
      {{- with include "dockercoins.priorityClassName" (dict "root" $root "name" $name) }}{{ . | nindent 6 }}{{ end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 185
        sysctls:
          - name: net.ipv4.ip_unprivileged_port_start
            value: "0"
      terminationGracePeriodSeconds: 10
      volumes:
        - emptyDir:
            medium: Memory
            sizeLimit: 16Mi
          name: tmp
        {{- if and $tls $root.Values.redis.external.tls.caSecret }}
        - name: redis-tls
          secret:
            secretName: {{ $root.Values.redis.external.tls.caSecret }}
        {{- end }}
      {{- with include "dockercoins.placement" $c | trim }}{{ . | nindent 6 }}{{ end }}
{{- end }}

{{/*
The egress rule to Redis: its pods inside the release; outside, its address, or any address on its port when it
is known by name (a policy cannot name a host).
*/}}
{{- define "dockercoins.redisEgress" -}}
{{- if .Values.redis.enabled }}
- to:
    - podSelector:
        matchLabels:
          app: redis
  ports:
    - protocol: TCP
      port: 6379
{{- else if include "dockercoins.redisExternalIsIP" . }}
- to:
    - ipBlock:
        cidr: {{ .Values.redis.external.host }}/32
  ports:
    - protocol: TCP
      port: {{ .Values.redis.external.port }}
{{- else }}
- ports:
    - protocol: TCP
      port: {{ .Values.redis.external.port }}
{{- end }}
{{- end }}
