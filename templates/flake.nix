{
  description = "nix2aci's project template, as a flake without inputs: `nix flake init -t` works offline";

  outputs = _: {
    # The `nix2aci-gen init` project with its nix/ already generated (scripts/update-flake-template.sh).
    templates.default = {
      path = ./flake;
      description = "App Container Images from typed TypeScript specs (nix2aci-gen init, generated)";
      welcomeText = ''
        # A nix2aci project
        `specs/hello.ts` is the image; `nix/` holds the Nix files generated from it.

        - Build: `git add -A && nix build .#hello` (the image is `result/hello-….aci`)
        - After editing `specs/`: `npm install && npm run generate` rewrites `nix/`
      '';
    };
  };
}
