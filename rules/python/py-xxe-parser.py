import xml.dom.minidom
import xml.sax
import xml.sax.handler

from lxml import etree


def parse(data):
    parser = xml.sax.make_parser()
    # ruleid: py-xxe-parser
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    doc = xml.dom.minidom.parseString(data, parser)
    # ruleid: py-xxe-parser
    lx = etree.XMLParser(resolve_entities=True)
    # ok: py-xxe-parser
    safe = etree.XMLParser(resolve_entities=False, no_network=True)
    # ok: py-xxe-parser
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    return doc, lx, safe
