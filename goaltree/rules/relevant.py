"""R — relevant: every node serves the tree, and no goal spreads its focus over too many KPIs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from goaltree.present.language import N_, _
from goaltree.rules.base import CheckContext, Finding, NodeRule, Option, where
from goaltree import codes

if TYPE_CHECKING:
    from goaltree.model import Node


class DisconnectedNode(NodeRule):
    """A node is not part of the tree: nothing uses it and it uses nothing.

    "Nyckeln är att utgå från de övergripande målen och bryta ner dem i
    mätbara KPI:er. Inte att på måfå sätta upp mätetal": a KPI that no goal
    needs is measured for its own sake. Connect it — `parent:` names the goal
    it serves, or a parent's `formula:` uses it — or remove it. A file with a
    single node is not checked.

    **Anti-pattern**

    ```yaml
    revenue: {title: 63 MSEK new revenue, target: 63000000, formula: customers * clv}
    likes: {title: 10 000 likes on LinkedIn, target: 10000}   # serves nothing
    ```

    **Best practice**

    ```yaml
    brand: {title: Known by 40 % of Nordic IT buyers, type: objective}
    likes: {title: 10 000 likes on LinkedIn, target: 10000, parent: brand}
    ```
    """

    code = codes.DISCONNECTED_NODE
    name = "relevant.disconnected_node"
    severity = "warning"

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        tree = context.tree
        if len(context.goal_file.nodes) < 2 or tree.parents.get(node_id) or tree.children(node_id):
            return
        yield Finding(
            _(
                "this node is not connected to the tree: no parent uses it and it has no children; "
                "add `parent:` (the goal it serves), use it in a formula, or remove it"
            ),
            node_id,
            where(node_id),
            key=True,
        )


class TooManyChildren(NodeRule):
    """A goal has more than 7 children (configurable): too many KPIs to focus on.

    "Det vanligaste misstaget som många gör är att du försöker mäta för mycket
    … Fokusera på ett fåtal KPI:er." A goal broken into a dozen KPIs drowns the
    team in data. Group the children under a few intermediate goals, or keep
    the few that drive the result. Children are the nodes its formula uses
    and the nodes that name it as `parent`. The limit is
    `checks.options.max_children`.

    **Anti-pattern**

    ```yaml
    awareness:
      title: Known by 40 % of Nordic IT buyers
      type: objective
    # … twelve KPIs with `parent: awareness`: likes, shares, followers, …
    ```

    **Best practice**

    ```yaml
    awareness: {title: Known by 40 % of Nordic IT buyers, type: objective}
    branded_search: {title: 12 000 branded searches a month, parent: awareness}
    direct_traffic: {title: 30 000 direct visits, parent: awareness}
    ```
    """

    code = codes.TOO_MANY_CHILDREN
    name = "relevant.too_many_children"
    severity = "warning"
    options = (
        Option("max_children", 7, "integer", N_("Most children a goal may have before it loses focus."), minimum=1),
    )

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        limit = context.options["max_children"]
        children = context.tree.children(node_id)
        if len(children) <= limit:
            return
        shown = ", ".join(children[:10]) + (" …" if len(children) > 10 else "")
        yield Finding(
            # Always more than one: the limit is at least 1.
            _(
                "{count} children ({shown}) are more than {limit} (`checks.options.max_children: {limit}`); "
                "focus on a few KPIs, or group them under intermediate goals",
                count=len(children),
                shown=shown,
                limit=limit,
            ),
            node_id,
            where(node_id),
            key=True,
        )
