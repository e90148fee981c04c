/* What the console's modes share (tui/mode.h). */
#include "mode.h"

#include <curses.h>

bool hc_scroll_key(int key, int *pos, int page, int last)
{
    int step = page > 1 ? page - 1 : 1;

    switch (key) {
    case KEY_UP:
    case 'k':
        (*pos)--;
        break;
    case KEY_DOWN:
    case 'j':
        (*pos)++;
        break;
    case KEY_PPAGE:
        *pos -= step;
        break;
    case KEY_NPAGE:
    case ' ':
        *pos += step;
        break;
    case KEY_HOME:
    case 'g':
        *pos = 0;
        break;
    case KEY_END:
    case 'G':
        *pos = last;
        break;
    default:
        return false;
    }
    if (*pos > last) {
        *pos = last;
    }
    if (*pos < 0) {
        *pos = 0;
    }
    return true;
}
