"""The plan editor's pages (/piano/): tree, objectives, indicators, what-if, deletion with its
consequences, revisions and cycle states. Templates stay under plans/templates/plans/."""
