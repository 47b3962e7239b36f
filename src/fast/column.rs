//! A growable array whose length is kept by its owner.
//!
//! The tape stores every node's op and value in two arrays of equal length, and its operands
//! in a third. With `Vec`s, recording a node would write three lengths; each store costs about
//! a cycle on the recording path, which is a handful of stores in all, so the tape keeps the
//! lengths itself, packed in one word, and stores the arrays as `Column`s.

#![allow(unsafe_code)]

use std::mem::ManuallyDrop;
use std::ptr::NonNull;

/// Heap storage for `capacity` elements of `T`, of which the owner knows how many (`len`)
/// are initialised: the first `len`, always. Every method that reads takes that `len`.
pub(crate) struct Column<T: Copy> {
    ptr: NonNull<T>,
    capacity: usize,
}

// SAFETY: a `Column` owns its buffer as a `Vec<T>` does, so it can move to, or be shared with,
// another thread exactly when a `Vec<T>` can.
unsafe impl<T: Copy + Send> Send for Column<T> {}
unsafe impl<T: Copy + Sync> Sync for Column<T> {}

impl<T: Copy> Column<T> {
    /// Room for `capacity` elements, none initialised.
    #[cfg(test)]
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self::from_vec(Vec::with_capacity(capacity))
    }

    fn from_vec(vec: Vec<T>) -> Self {
        let mut vec = ManuallyDrop::new(vec);
        Column {
            // A Vec's pointer is never null (it dangles when nothing is allocated).
            ptr: NonNull::new(vec.as_mut_ptr()).expect("Vec pointers are not null"),
            capacity: vec.capacity(),
        }
    }

    /// The `Vec` this column is, with `len` elements, for operations a `Vec` already has.
    ///
    /// # Safety
    /// `len` must be at most the number of initialised elements, and the returned `Vec` must
    /// go back into the column with `from_vec` (it owns the buffer).
    unsafe fn as_vec(&mut self, len: usize) -> Vec<T> {
        // SAFETY: `ptr` and `capacity` come from a Vec<T> (`from_vec`), and the caller
        // guarantees that `len` elements are initialised.
        unsafe { Vec::from_raw_parts(self.ptr.as_ptr(), len, self.capacity) }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Makes room for `additional` elements after the first `len`, which it keeps; returns
    /// `false`, and changes nothing, when the allocator cannot give that much (or the size
    /// overflows `isize::MAX` bytes).
    ///
    /// # Safety
    /// The first `len` elements must be initialised.
    #[must_use]
    pub(crate) unsafe fn try_reserve(&mut self, len: usize, additional: usize) -> bool {
        // SAFETY: the caller guarantees `len`. The Vec is never dropped (`ManuallyDrop`), so
        // whatever happens inside `try_reserve` it cannot free the buffer the column still
        // points at; it goes straight back into the column.
        let mut vec = ManuallyDrop::new(unsafe { self.as_vec(len) });
        let grown = vec.try_reserve(additional).is_ok();
        // On success the buffer may have moved; on failure it is the one we had.
        self.ptr = NonNull::new(vec.as_mut_ptr()).expect("Vec pointers are not null");
        self.capacity = vec.capacity();
        grown
    }

    /// The first `len` elements.
    ///
    /// # Safety
    /// The first `len` elements must be initialised.
    #[inline(always)]
    pub(crate) unsafe fn slice(&self, len: usize) -> &[T] {
        debug_assert!(len <= self.capacity);
        // SAFETY: the buffer holds `capacity >= len` elements, the first `len` initialised
        // (the caller's promise), and the borrow of `self` keeps it alive and unchanged.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), len) }
    }

    /// Where element `at` goes: writing it there makes it initialised.
    ///
    /// # Safety
    /// `at` must be less than the capacity.
    #[inline(always)]
    pub(crate) unsafe fn slot(&mut self, at: usize) -> *mut T {
        debug_assert!(at < self.capacity);
        // SAFETY: `at` is inside the buffer (the caller's promise).
        unsafe { self.ptr.as_ptr().add(at) }
    }

    /// Writes element `at`, which becomes initialised.
    ///
    /// # Safety
    /// `at` must be less than the capacity.
    #[inline(always)]
    pub(crate) unsafe fn write(&mut self, at: usize, value: T) {
        debug_assert!(at < self.capacity);
        // SAFETY: `at` is inside the buffer (the caller's promise); `T: Copy`, so overwriting
        // an element drops nothing.
        unsafe { self.ptr.as_ptr().add(at).write(value) }
    }
}

impl<T: Copy> Default for Column<T> {
    fn default() -> Self {
        Self::from_vec(Vec::new())
    }
}

impl<T: Copy> Drop for Column<T> {
    fn drop(&mut self) {
        // SAFETY: length 0 claims no initialised element, which is always true, and `T: Copy`
        // has no destructor to run; dropping the Vec frees the buffer it allocated.
        drop(unsafe { self.as_vec(0) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_keeps_the_elements_and_moves_the_buffer_when_it_must() {
        let mut column = Column::with_capacity(2);
        let mut len = 0;
        for i in 0..1000u32 {
            if len == column.capacity() {
                // SAFETY: `len` elements were written.
                assert!(unsafe { column.try_reserve(len, len.max(1)) });
            }
            // SAFETY: `len < capacity`, checked above.
            unsafe { column.write(len, i * 3) };
            len += 1;
        }
        // SAFETY: `len` elements were written.
        let all = unsafe { column.slice(len) };
        assert!(all.iter().enumerate().all(|(i, &x)| x == 3 * i as u32));
    }

    #[test]
    fn a_failed_reservation_keeps_the_buffer_and_the_elements() {
        let mut column = Column::with_capacity(4);
        for i in 0..4 {
            // SAFETY: `i < 4`, the capacity.
            unsafe { column.write(i, i as u64) };
        }
        // More bytes than `isize::MAX`: `Vec::reserve` would panic with the buffer half
        // handed over; this refuses and keeps everything as it was.
        // SAFETY: 4 elements were written.
        assert!(!unsafe { column.try_reserve(4, usize::MAX / 8) });
        assert_eq!(column.capacity(), 4);
        // SAFETY: as above.
        assert_eq!(unsafe { column.slice(4) }, [0, 1, 2, 3]);
    }

    #[test]
    fn an_empty_column_drops_without_allocating() {
        let column: Column<f64> = Column::default();
        assert_eq!(column.capacity(), 0);
    }
}
