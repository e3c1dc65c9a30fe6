// The public search page on a narrow screen: the filters under the results fold to their titles (a filter with a
// chosen value stays open). Without this script they are simply open; <details> works without JavaScript.
(function () {
  'use strict';
  if (!window.matchMedia || !window.matchMedia('(max-width: 51.99rem)').matches) {
    return;
  }
  var facets = document.querySelectorAll('details.facet:not([data-chosen])');
  for (var i = 0; i < facets.length; i += 1) {
    facets[i].open = false;
  }
}());
