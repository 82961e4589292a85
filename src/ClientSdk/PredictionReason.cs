namespace PrivateFl.ClientSdk;

/// <summary>One column that pushed a prediction towards default, with what it cost in scorecard points.</summary>
/// <param name="Column">The schema column, such as <c>Checking account</c>.</param>
/// <param name="Value">The applicant's value, as the schema reads it (aliases resolved, such as <c>none</c> for <c>NA</c>).</param>
/// <param name="PointsLost">
/// The points the column took off the score: factor · Σ wᵢxᵢ over the column's features, where factor = PDO / ln 2.
/// Always positive; the reasons of a prediction are sorted by it, largest first.
/// </param>
public sealed record PredictionReason(string Column, string Value, double PointsLost);
