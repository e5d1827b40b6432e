"""`{% fragment f %}…{% endfragment %}`: the fragment `f` (an `lms.cache.Fragment`, read from the cache
ahead of rendering with the page's other cached values) as found, else the enclosed template rendered and
stored under its key; with `f` None (a preview) the enclosed template rendered and not stored."""

from django import template

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, fragment):
        self.nodelist = nodelist
        self.fragment = fragment

    def render(self, context):
        fragment = self.fragment.resolve(context, ignore_failures=True)
        if fragment is not None and fragment.html is not None:
            return fragment.html
        html = self.nodelist.render(context)
        if fragment is not None:
            fragment.store(html)
        return html


@register.tag("fragment")
def do_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("'fragment' takes one argument: the fragment")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]))
