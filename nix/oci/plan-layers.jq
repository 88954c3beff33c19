# Splits a closure into store-path layers, like dockerTools' buildLayeredImage (docs/oci.md).
# Input (jq -R -s): closureInfo's `registration` (nix-store --load-db format: per path, lines
# path, narHash, narSize, deriver, reference count, references). Arguments: $slots (how many
# store-path layers at most, >= 1) and $skip (paths not to put in any layer, as a JSON list).
# Output: a list of layers, bottom first, each a sorted list of store paths.
#
# Each path is scored by NAR size x popularity (below): large paths and paths many others need
# come first. The best `$slots - 1` paths get a layer
# each (best at the bottom); when the closure has more paths than slots, the rest share one layer
# above them. Ties go by path, so the plan only depends on the closure.

def records:
  rtrimstr("\n") | split("\n") as $l
  | [ 0 | while(. < ($l | length); . + 5 + ($l[. + 4] | tonumber)) ]
  | map(. as $i
      | ($l[$i + 4] | tonumber) as $n
      | { path: $l[$i],
          size: ($l[$i + 2] | tonumber),
          refs: [ $l[$i + 5 : $i + 5 + $n][] | select(. != $l[$i]) ] });

# For every path, in how many places it occurs when the reference graph is unfolded into a tree
# from the closure's roots: the number of reference chains leading to it (its popularity, as in
# nixpkgs' referencesByPopularity). One pass in topological order (Kahn), linear in the graph.
# (One flat state object, changed only by `.[k] = $v`: jq 1.6 copies the whole object on every
# update of a nested value and on every `|=`/`+=`, which made this quadratic.)
def popularity($graph):
  ($graph | map({ key: .path, value: true }) | from_entries) as $inClosure
  | ($graph | map({ key: .path, value: [ .refs[] | select($inClosure[.]) ] }) | from_entries) as $refs
  | (reduce $refs[][] as $r ({}; (.[$r] + 1) as $n | .[$r] = $n)) as $referrers
  | [ $graph[].path | select($referrers[.] == null) ] as $roots
  | reduce range($roots | length) as $i ({ head: 0, tail: ($roots | length) };
      .["q\t\($i)"] = $roots[$i] | .["c\t" + $roots[$i]] = 1)
  | reduce $graph[].path as $p (.; .["l\t" + $p] = ($referrers[$p] // 0))
  | until(.head == .tail;
      .["q\t\(.head)"] as $q
      | .["c\t" + $q] as $c
      | (.head + 1) as $head
      | .head = $head
      | reduce $refs[$q][] as $r (.;
          (.["c\t" + $r] + $c) as $count
          | (.["l\t" + $r] - 1) as $left
          | .["c\t" + $r] = $count
          | .["l\t" + $r] = $left
          | if $left == 0 then .tail as $tail | .["q\t\($tail)"] = $r | .tail = $tail + 1 else . end))
  | . as $state
  | $graph | map({ key: .path, value: $state["c\t" + .path] }) | from_entries;

records as $graph
| popularity($graph) as $pop
| $graph
| map(select(.path as $p | $skip | index($p) | not))
| map({ path, score: (.size * $pop[.path]) })
| sort_by(-.score, .path)
| map(.path)
| if length <= $slots then map([ . ])
  else (.[: $slots - 1] | map([ . ])) + [ .[$slots - 1 :] | sort ]
  end
