//! A thin owned byte buffer: one pointer wide, its length stored in the allocation.
//!
//! Keyspace entries are the bulk of memory for small keys. A `Box<[u8]>` costs 16
//! bytes in every hash-table bucket; this costs 8, which is worth about 10 bytes per
//! key at typical table load (measured by `bench/`). The unsafe code is confined here.

use std::alloc::{alloc_zeroed, dealloc, handle_alloc_error, Layout};
use std::ptr::NonNull;

/// Bytes of the length prefix.
const HEADER: usize = 4;

/// An owned, fixed-length byte buffer whose pointer is the only inline field.
pub struct Blob {
    ptr: NonNull<u8>,
}

// SAFETY: a Blob exclusively owns its allocation, exactly like a Box<[u8]>.
unsafe impl Send for Blob {}
// SAFETY: shared access only ever reads the bytes.
unsafe impl Sync for Blob {}

impl Blob {
    /// Largest length a blob can hold.
    pub const MAX_LEN: usize = u32::MAX as usize - HEADER;

    /// A zero-filled blob of `len` bytes; `None` when `len` exceeds [`Self::MAX_LEN`].
    pub fn zeroed(len: usize) -> Option<Blob> {
        if len > Self::MAX_LEN {
            return None;
        }
        let layout = Self::layout(len)?;
        // SAFETY: the layout has a non-zero size (at least the header).
        let raw = unsafe { alloc_zeroed(layout) };
        let Some(ptr) = NonNull::new(raw) else {
            handle_alloc_error(layout);
        };
        let header = (len as u32).to_le_bytes();
        // SAFETY: the allocation is at least HEADER bytes long and we own it.
        unsafe { std::ptr::copy_nonoverlapping(header.as_ptr(), ptr.as_ptr(), HEADER) };
        Some(Blob { ptr })
    }

    /// A blob holding a copy of `bytes`.
    pub fn from_slice(bytes: &[u8]) -> Option<Blob> {
        let mut blob = Self::zeroed(bytes.len())?;
        blob.as_mut_slice().copy_from_slice(bytes);
        Some(blob)
    }

    /// Number of bytes held.
    #[inline]
    pub fn len(&self) -> usize {
        let mut header = [0u8; HEADER];
        // SAFETY: every Blob's allocation starts with a HEADER-byte length.
        unsafe { std::ptr::copy_nonoverlapping(self.ptr.as_ptr(), header.as_mut_ptr(), HEADER) };
        u32::from_le_bytes(header) as usize
    }

    /// True when the blob holds no bytes.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the allocation holds HEADER + len initialized bytes, owned by self,
        // and the returned borrow is tied to &self.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().add(HEADER), self.len()) }
    }

    /// The bytes, mutably.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        let len = self.len();
        // SAFETY: as in as_slice, and &mut self guarantees exclusive access.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr().add(HEADER), len) }
    }

    fn layout(len: usize) -> Option<Layout> {
        Layout::from_size_align(len.checked_add(HEADER)?, 1).ok()
    }
}

impl Drop for Blob {
    fn drop(&mut self) {
        if let Some(layout) = Self::layout(self.len()) {
            // SAFETY: allocated in `zeroed` with this very layout (the length never changes).
            unsafe { dealloc(self.ptr.as_ptr(), layout) };
        }
    }
}

impl std::fmt::Debug for Blob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Blob({:?})", self.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::Blob;

    #[test]
    fn round_trip_sizes() {
        for len in [0usize, 1, 3, 4, 5, 27, 28, 100, 4096] {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut b = Blob::from_slice(&data).expect("alloc");
            assert_eq!(b.len(), len);
            assert_eq!(b.as_slice(), &data[..]);
            if len > 0 {
                b.as_mut_slice()[0] = 0xAA;
                assert_eq!(b.as_slice()[0], 0xAA);
            }
        }
        assert!(Blob::zeroed(Blob::MAX_LEN + 1).is_none());
    }
}
