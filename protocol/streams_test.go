package protocol

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestStreamIDsUniqueUntilReleased(t *testing.T) {
	s := newStreamIDs(0)
	seen := make(map[int16]bool, MaxStreams)
	for i := 0; i < MaxStreams; i++ {
		id, err := s.acquire(context.Background(), nil, nil)
		if err != nil {
			t.Fatalf("acquire %d: %v", i, err)
		}
		if id < 0 {
			t.Fatalf("acquire returned negative id %d", id)
		}
		if seen[id] {
			t.Fatalf("id %d handed out twice", id)
		}
		seen[id] = true
	}
	if s.inUse() != MaxStreams {
		t.Fatalf("inUse = %d, want %d", s.inUse(), MaxStreams)
	}

	// All ids taken: acquire must wait and honour its context.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.acquire(ctx, nil, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire on a full allocator: err = %v, want deadline exceeded", err)
	}

	// A waiter gets exactly the id that is released.
	got := make(chan int16)
	go func() {
		id, err := s.acquire(context.Background(), nil, nil)
		if err != nil {
			t.Error(err)
		}
		got <- id
	}()
	time.Sleep(5 * time.Millisecond)
	s.release(1234)
	select {
	case id := <-got:
		if id != 1234 {
			t.Fatalf("waiter got id %d, want the released 1234", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waiter not woken by release")
	}
}

func TestStreamIDsSmallMax(t *testing.T) {
	s := newStreamIDs(3)
	for i := 0; i < 3; i++ {
		id, err := s.acquire(context.Background(), nil, nil)
		if err != nil || id < 0 || id > 2 {
			t.Fatalf("acquire = %d, %v; want an id in 0..2", id, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.acquire(ctx, nil, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire beyond max: err = %v, want canceled", err)
	}
}

func TestStreamIDsConcurrent(t *testing.T) {
	s := newStreamIDs(64)
	var owners [MaxStreams]int32
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int32) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				id, err := s.acquire(context.Background(), nil, nil)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if owners[id] != 0 {
					mu.Unlock()
					t.Errorf("id %d owned by %d and %d", id, owners[id]-1, g)
					return
				}
				owners[id] = g + 1
				mu.Unlock()
				mu.Lock()
				owners[id] = 0
				mu.Unlock()
				s.release(id)
			}
		}(int32(g))
	}
	wg.Wait()
	if s.inUse() != 0 {
		t.Fatalf("inUse = %d after all releases", s.inUse())
	}
}

func BenchmarkStreamIDs(b *testing.B) {
	s := newStreamIDs(0)
	b.ReportAllocs()
	// 64 goroutines whatever GOMAXPROCS is.
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((64 + procs - 1) / procs)
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id, err := s.acquire(ctx, nil, nil)
			if err != nil {
				b.Error(err)
				return
			}
			s.release(id)
		}
	})
}
