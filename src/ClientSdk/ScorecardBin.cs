namespace PrivateFl.ClientSdk;

/// <summary>One row of a scorecard attribute: a category, or a bin of a numeric attribute, and the points it gives.</summary>
/// <param name="Label">The category (<c>(unknown)</c> for the unknown bucket), or the bin as <c>[lower, upper)</c> (the last bin closed).</param>
/// <param name="Lower">A bin's lower end, in the column's own units; <see langword="null"/> for a category.</param>
/// <param name="Upper">A bin's upper end; <see langword="null"/> for a category.</param>
/// <param name="Points">A category's points; for a bin, the points at its middle on the column's transformed scale (the mean of the two ends).</param>
/// <param name="PointsAtLower">A bin's points at <paramref name="Lower"/>; a category's points.</param>
/// <param name="PointsAtUpper">A bin's points at <paramref name="Upper"/>; a category's points.</param>
/// <remarks>
/// Inside a bin the points run linearly from <paramref name="PointsAtLower"/> to <paramref name="PointsAtUpper"/> on the
/// column's transformed scale (the value itself, or sign(x)·ln(1 + |x|) for <see cref="NumericTransform.Log"/>): that
/// interpolation gives exactly the points the model gives.
/// </remarks>
public sealed record ScorecardBin(string Label, double? Lower, double? Upper, double Points, double PointsAtLower, double PointsAtUpper);
