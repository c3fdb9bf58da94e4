// Loads every bundled data set; run by bundled_test.ts with no permissions at
// all, as when kerno is imported from JSR by an https URL.
import { breastCancer, diabetes, digits, iris } from "../../datasets/mod.ts";

const shapes = [];
for (const load of [digits, iris, breastCancer, diabetes]) {
  const data = await load();
  shapes.push(data.x.shape);
}
console.log(JSON.stringify(shapes));
