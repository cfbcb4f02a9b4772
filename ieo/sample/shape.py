"""The network's shape after its relations are drawn: the report's average clustering and node count, exactly.

Average clustering is a sum over nodes divided by the node count; almost all of it comes from counterparts shared
by two samples that are linked to each other. Closing triangles adds such counterparts one at a time, and moving
rows between generated counterparts of one sample sets the node count without changing anyone's neighbours.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from ieo.network import kernels
from ieo.network.graph import Projection, project_undirected
from ieo.sample.calibration import report_network_statistic
from ieo.sample.records import Relation, scaled

CALIBRATION_ROUNDS = 3  # closing triangles also adds a little to the linked samples' own clustering


class NetworkShape:
    """Calibrates the drawn network (a part of ``ieo.sample.generator.Builder``)."""

    def _calibrate_network(self, rows: list[Relation]) -> None:
        """Bring the average clustering to the report's and the node count to it exactly, without touching the
        named organisations' rows.

        Average clustering is a sum over nodes divided by the node count; almost all of it comes from
        counterparts shared by two samples that are linked to each other. Each closure makes one more such
        counterpart: a sample gives up a counterpart of its own to share one of a linked sample's. Then
        rows move between generated counterparts of the same sample (a counterpart seen twice by one sample
        lends one row to a new counterpart, or a lone counterpart joins its sibling) until the node count is
        the report's; neither move changes whom any organisation is linked to, so neither changes the clustering.
        """
        target_nodes = scaled(report_network_statistic("graph_nodes"), self.scale)
        wanted = report_network_statistic("average_clustering") * target_nodes
        for _ in range(CALIBRATION_ROUNDS):
            missing = int(round(wanted - self._clustering_sum(rows)))
            if missing <= 0:
                break
            self._close_triangles(rows, missing)
        self._set_node_count(rows, target_nodes)

    @staticmethod
    def _projection(rows: list[Relation]) -> Projection:
        codes, _ = pd.factorize(pd.Series([r.sample_id for r in rows] + [r.counterpart_id for r in rows]))
        return project_undirected(int(codes.max()) + 1, codes[:len(rows)], codes[len(rows):])

    def _clustering_sum(self, rows: list[Relation]) -> float:
        return float(kernels.local_clustering(kernels.to_igraph(self._projection(rows))).sum())

    def _generated_rows(self, rows: list[Relation]) -> dict[str, list[Relation]]:
        """The rows of each generated counterpart (named and sampled counterparts are never moved)."""
        generated = self._generated
        by_counterpart: dict[str, list[Relation]] = defaultdict(list)
        for r in rows:
            if r.counterpart_id in generated:
                by_counterpart[r.counterpart_id].append(r)
        return by_counterpart

    def _close_triangles(self, rows: list[Relation], count: int) -> None:
        """``count`` times: for two linked samples A and B, B's lone counterpart d gives its row to A's lone
        counterpart c of the same kind, so that c is shared by A and B (a closed triangle) and d is gone."""
        by_counterpart = self._generated_rows(rows)
        lone: dict[tuple, list[Relation]] = defaultdict(list)  # (sample, kind, domestic) -> rows of lone counterparts
        for org_id, its_rows in by_counterpart.items():
            if len(its_rows) == 1:
                r = its_rows[0]
                lone[(r.sample_id, self.world.orgs[org_id].org_type, r.domestic)].append(r)
        enterprises = {e["org_id"] for e in self.world.enterprises}
        pairs = sorted({tuple(sorted((r.sample_id, r.counterpart_id))) for r in rows
                        if r.counterpart_id in enterprises and r.sample_id != r.counterpart_id})
        self.rng.shuffle(pairs)
        kinds = sorted({key[1:] for key in lone})
        while count > 0:
            closed = 0
            for a, b in pairs:
                for kind in kinds:
                    mine, theirs = lone.get((a, *kind)), lone.get((b, *kind))
                    if mine and theirs and count > 0:
                        keep, give = mine.pop(), theirs.pop()
                        del self._generated[give.counterpart_id]
                        give.counterpart_id = keep.counterpart_id
                        count -= 1
                        closed += 1
                        break
            if not closed:
                break

    def _set_node_count(self, rows: list[Relation], target: int) -> None:
        """Split off or merge generated counterparts within one sample until the network has ``target`` nodes."""
        nodes = {r.sample_id for r in rows} | {r.counterpart_id for r in rows}
        by_counterpart = self._generated_rows(rows)
        gap = target - len(nodes)
        if gap > 0:  # a counterpart a sample reaches twice lends one of the two rows to a new counterpart
            repeated = [r for its_rows in by_counterpart.values() for r in its_rows[1:]
                        if sum(x.sample_id == r.sample_id for x in its_rows) > 1]
            self.rng.shuffle(repeated)
            for r in repeated[:gap]:
                r.counterpart_id = self._new_counterpart(self.world.orgs[r.counterpart_id].org_type, r.domestic).org_id
        elif gap < 0:  # a lone counterpart joins its sibling: same sample, same kind
            siblings: dict[tuple, list[Relation]] = defaultdict(list)
            for org_id, its_rows in by_counterpart.items():
                if len(its_rows) == 1:
                    r = its_rows[0]
                    siblings[(r.sample_id, self.world.orgs[org_id].org_type, r.domestic)].append(r)
            merges = [group for group in siblings.values() if len(group) > 1]
            for group in merges:
                while len(group) > 1 and gap < 0:
                    give = group.pop()
                    del self._generated[give.counterpart_id]
                    give.counterpart_id = group[0].counterpart_id
                    gap += 1
