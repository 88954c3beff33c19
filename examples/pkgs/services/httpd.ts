import { defineACI, pkgs } from "nix2aci";

// A web server run as a named, unprivileged user: /etc/passwd and /etc/group are generated from
// `etc`, the port is declared for the runtime, and resource isolators bound what it may use.
export default defineACI({
  name: "nix2aci.example/httpd",
  packages: [pkgs.busybox],
  exec: ["/bin/busybox", "httpd", "-f", "-v", "-p", "8080", "-h", "/srv/www"],
  user: "www",
  group: "www",
  etc: {
    users: [{ name: "www", uid: 1000, gid: 1000, home: "/srv/www", shell: "/bin/false", gecos: "web server" }],
    groups: [{ name: "www", gid: 1000, members: ["www"] }],
    hosts: "127.0.0.1 localhost\n",
  },
  environment: { HOME: "/srv/www", LANG: "C.UTF-8" },
  workingDirectory: "/srv/www",
  ports: [{ name: "http", protocol: "tcp", port: 8080 }],
  mountPoints: [{ name: "www", path: "/srv/www", readOnly: true }],
  isolators: [
    { name: "resource/cpu", value: { request: "100m", limit: "500m" } },
    { name: "resource/memory", value: { request: "16Mi", limit: "64Mi" } },
    { name: "os/linux/no-new-privileges", value: true },
    { name: "os/linux/capabilities-retain-set", value: { set: ["CAP_NET_BIND_SERVICE"] } },
  ],
  // An OCI image too; OCI runtimes ignore the isolators and the read-only mount (nix2aci-gen
  // says so), which mkOCI keeps in nix2aci.appc.* labels.
  variants: { httpdOci: { format: "oci" } },
});
