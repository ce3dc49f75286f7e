// goodwill's own script (no inline scripts: the Content-Security-Policy forbids them).
// Pages add behaviour here with data- attributes; htmx does the requests.
"use strict";
