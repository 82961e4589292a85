namespace PrivateFl.ClientSdk.Internal;

/// <summary>One parsed column value, ready to encode.</summary>
/// <param name="Number">The number of a numeric column (inside the declared range); NaN for a categorical one.</param>
/// <param name="Category">The vocabulary index of a categorical value; −1 for the unknown bucket or a numeric column.</param>
/// <param name="Display">The value as people should read it: the canonical category (aliases resolved) or the number.</param>
internal readonly record struct ParsedValue(double Number, int Category, string Display);
