"""The present page's constant CSS and script: type for a room, keys, printing."""

# Constant CSS only (no data): the sidebar and header hidden, type sized for a room.
CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"] {
  display: none !important; }
[data-testid="stMainBlockContainer"], .block-container {
  padding: 0.8rem 1.6rem 0.5rem !important; max-width: 100% !important; }
.st-key-present-text { gap: 0.45rem; }
.st-key-present-text [data-testid="stMarkdownContainer"] {
  margin-bottom: 0 !important; }
.st-key-present-head p { font-size: clamp(15px, 1.05vw, 22px); margin: 0; }
.st-key-present-date p { font-size: clamp(18px, 1.5vw, 32px); font-weight: bold;
  color: #7a0019; margin: 0; }
.st-key-present-title p { font-size: clamp(26px, 2.25vw, 48px); line-height: 1.15;
  font-weight: 700; margin: 0; }
.st-key-present-narration p { font-size: clamp(18px, 1.45vw, 31px);
  line-height: 1.38; }
.st-key-present-quote blockquote p { font-size: clamp(17px, 1.35vw, 29px);
  font-style: italic; line-height: 1.35; }
.st-key-present-quote blockquote, .st-key-present-quote blockquote * {
  color: #222 !important; opacity: 1 !important; }
.st-key-present-quote blockquote { border-left: 0.25em solid #7a0019 !important; }
.st-key-present-count p { font-size: clamp(17px, 1.3vw, 28px); text-align: right; }
.st-key-present-map iframe { height: max(360px, calc(100vh - 140px)) !important; }
.st-key-present-text, *:has(> .st-key-present-text) {
  height: max(360px, calc(100vh - 140px)) !important;
  min-height: max(360px, calc(100vh - 140px)) !important; flex-shrink: 0 !important; }
.st-key-present-source p { font-size: clamp(16px, 1.25vw, 30px); color: #333; }
.st-key-present-foot p { font-size: clamp(13px, 0.9vw, 20px); }
[data-testid="stMainBlockContainer"] { padding-bottom: 0 !important; }
.st-key-present-nav button p { font-size: clamp(15px, 1.05vw, 22px); }
/* a phone: the step's text follows a map of half the screen, not a whole screen
   below it; the four buttons stay on one row */
@media (max-width: 640px) {
  .st-key-present-map iframe { height: max(260px, 48vh) !important; }
  .st-key-present-text, *:has(> .st-key-present-text) { height: auto !important;
    min-height: 0 !important; max-height: none !important;
    overflow: visible !important; }
  .st-key-present-nav { flex-wrap: nowrap !important; gap: 0.3rem !important; }
  .st-key-present-nav button { padding-left: 0.45rem !important;
    padding-right: 0.45rem !important; min-width: 0 !important; }
  .st-key-present-nav button p { font-size: 14px; white-space: nowrap; }
}
/* the key of "Next" on its red button: white, as the label */
.st-key-present-next button kbd { color: #fff !important; opacity: 1 !important;
  border-color: rgba(255, 255, 255, 0.75) !important; }
/* a button that cannot be used: its key as faint as its label */
.st-key-present-nav button:disabled kbd { opacity: 0.4 !important; }
/* no keyboard hints on a touch screen */
@media (hover: none) and (pointer: coarse) {
  .st-key-present-nav button kbd { display: none !important; }
}
</style>
"""

# PageUp/PageDown (what presentation clickers send) click the previous/next button,
# as do all the tour keys pressed while the map (an iframe) has the focus. The
# buttons' own shortcuts handle ← → Home End in the page. The map is fitted to the
# height of the window (the CSS sizes its iframe; Leaflet's div follows here), and
# its legend starts folded on small screens.
KEYS_JS = """
<script>
(() => {
  const doc = window.document;
  const target = {PageUp: 'present-prev', PageDown: 'present-next',
    ArrowLeft: 'present-prev', ArrowRight: 'present-next',
    Home: 'present-first', End: 'present-last'};
  const press = (e, inFrame) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (!inFrame && e.key !== 'PageUp' && e.key !== 'PageDown') return;
    const name = target[e.key];
    const button = name && doc.querySelector('.st-key-' + name + ' button');
    if (!button) return;
    e.preventDefault();
    if (!button.disabled) button.click();
  };
  const onPage = (e) => press(e, false);
  const onFrame = (e) => press(e, true);
  if (window.__presentKeys) doc.removeEventListener('keydown', window.__presentKeys);
  window.__presentKeys = onPage;
  doc.addEventListener('keydown', onPage);
  if (window.__presentFrames) clearInterval(window.__presentFrames);
  window.__presentFrames = setInterval(() => {
    for (const frame of doc.querySelectorAll('iframe')) {
      let inner = null;
      try { inner = frame.contentDocument; } catch (err) { continue; }
      if (!inner) continue;
      if (!inner.__presentKeys) {
        inner.__presentKeys = true;
        inner.addEventListener('keydown', onFrame);
      }
      const legend = inner.getElementById('map-legend');
      if (legend && !legend.__presentFolded) {
        legend.__presentFolded = true;
        if (window.innerHeight < 900) legend.open = false;
      }
      const div = inner.getElementById('map_div');
      const map = frame.contentWindow && frame.contentWindow.map;
      if (div && map && frame.closest('.st-key-present-map') && frame.clientHeight > 0
          && Math.abs(div.clientHeight - frame.clientHeight) > 2) {
        div.style.height = frame.clientHeight + 'px';
        map.invalidateSize();
      }
    }
  }, 500);
})();
</script>
"""


# Printing the page prints the handout alone; Streamlit's scrolling frames are
# opened up so that it runs over as many pages as it needs.
PRINT_APP_CSS = """
@media screen {
  [data-testid="stElementContainer"]:has(.handout) { display: none !important; }
}
@media print {
  [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"], .stMain, .main {
    overflow: visible !important; height: auto !important;
    position: static !important; }
  [data-testid="stSidebar"], [data-testid="stHeader"] { display: none !important; }
}
"""
