// comdat.cc - C++ for the elfdelta test corpus: inline functions, templates,
// a class with virtual functions and a static data member of a template.  All
// of these are emitted in COMDAT section groups (SHT_GROUP, GRP_COMDAT).
// No standard library headers (see test-objects/README.md).

namespace elfdelta {

inline int inline_helper(int x) {
  static int calls = 0; // guarded static local in an inline function: its own COMDAT
  calls++;
  return x * 3 + calls;
}

template <typename T> struct Box {
  T value;
  static int instances; // template static data member: COMDAT data
  explicit Box(T v) : value(v) { instances++; }
  T get() const { return value; }
  template <typename U> U convert() const { return static_cast<U>(value); }
};

template <typename T> int Box<T>::instances = 0;

template <typename T> T max_of(T a, T b) {
  return a < b ? b : a;
}

class Shape {
public:
  virtual ~Shape() {}
  virtual int area() const = 0;
  virtual const char *name() const { return "shape"; }
};

class Square : public Shape {
public:
  explicit Square(int s) : side(s) {}
  int area() const override { return side * side; }
  const char *name() const override { return "square"; }

private:
  int side;
};

struct Pair {
  long first;
  long second;
  bool operator<(const Pair &o) const { return first < o.first || (first == o.first && second < o.second); }
};

} // namespace elfdelta

// Explicit instantiation: emitted as weak COMDAT definitions.
template struct elfdelta::Box<long>;
template double elfdelta::max_of<double>(double, double);

extern "C" int comdat_entry(int argc) {
  elfdelta::Box<int> bi(argc);
  elfdelta::Box<long> bl(argc * 2L);
  elfdelta::Pair p{argc, 1}, q{1, argc};
  elfdelta::Square sq(argc);
  const elfdelta::Shape &shape = sq;
  int v = elfdelta::inline_helper(bi.get()) + static_cast<int>(bl.convert<short>());
  v += elfdelta::max_of(argc, 7) + static_cast<int>(elfdelta::max_of(1.5, 2.5));
  v += elfdelta::max_of(p, q).second > 0 ? 1 : 0;
  v += shape.area() + shape.name()[0];
  return v + elfdelta::Box<int>::instances + elfdelta::Box<long>::instances;
}
