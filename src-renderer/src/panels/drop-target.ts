// A drop zone's drag handling: highlighted while files hover, the browser's own "open the
// file" refused, and the drop handed on. The Data tab and the Try panel share it.
import { type DragEvent, useState } from 'react';

export function useDropTarget(onDrop: (e: DragEvent) => void) {
  const [over, setOver] = useState(false);
  const handlers = {
    onDragEnter: (e: DragEvent) => {
      e.preventDefault();
      setOver(true);
    },
    onDragOver: (e: DragEvent) => e.preventDefault(),
    onDragLeave: () => setOver(false),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      setOver(false);
      onDrop(e);
    },
  };
  return { over, handlers };
}
