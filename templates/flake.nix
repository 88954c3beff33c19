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

        - Start: `mv gitignore .gitignore && git init -q && git add -A` (a flake builds what git
          tracks; npm packages cannot hold a file named .gitignore, so it comes as gitignore)
        - Build: `nix build .#hello` (the image is `result/hello-….aci`; `./result/postprocess.sh` signs it into `ACIs/`)
        - After editing `specs/`: install nix2aci (`npm install --save-dev PATH/TO/nix2aci-VERSION.tgz`,
          made by `npm pack` in a clone of nix2aci), then `npm run generate` rewrites `nix/`
      '';
    };
  };
}
