// Node's util.inspect looks up this symbol (nodejs.org/api/util.html#utilinspectcustom); it is a
// registered symbol, so defining it costs nothing in browsers. wasm-bindgen cannot declare
// symbol-named methods, hence this helper.
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Makes `util.inspect(x)` print `x.toString()` for every instance of `proto`'s class. */
export function useToStringForInspect(proto) {
  if (!Object.prototype.hasOwnProperty.call(proto, INSPECT)) {
    Object.defineProperty(proto, INSPECT, {
      value() {
        return this.toString();
      },
      configurable: true,
    });
  }
}
