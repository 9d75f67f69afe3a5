"""experta's RETE matcher, polling only the rules whose matches changed.

After every firing experta asks each rule's conflict-set node for new activations, so a
case costs (rules fired) x (rules in the base): quadratic in the size of the rule base.
Here each conflict-set node notes when a token reaches it, and only those nodes are
asked, in the same order experta asks them, so the agenda and every result are the same.
"""

from __future__ import annotations

from spinewise.engine.compat import experta  # noqa: F401  (experta must be importable first)
from experta.matchers import ReteMatcher  # noqa: E402


class TouchedNodesMatcher(ReteMatcher):
    def build_network(self):
        super().build_network()
        self._touched: dict = {}
        self._position: dict = {}
        for position, node in enumerate(self._get_conflict_set_nodes()):
            self._position[id(node)] = position
            node._activate = self._noting(node, node._activate)

    def _noting(self, node, activate):
        def activate_and_note(token):
            self._touched[id(node)] = node
            activate(token)

        return activate_and_note

    def changes(self, adding=None, deleting=None):
        for fact in deleting or ():
            self.root_node.remove(fact)
        for fact in adding or ():
            self.root_node.add(fact)
        touched, self._touched = self._touched, {}
        added, removed = [], []
        for key in sorted(touched, key=self._position.__getitem__):
            node_added, node_removed = touched[key].get_activations()
            added.extend(node_added)
            removed.extend(node_removed)
        return added, removed
