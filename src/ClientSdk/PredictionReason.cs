namespace PrivateFl.ClientSdk;

/// <summary>One column that pushed a prediction towards default, with what it cost in scorecard points.</summary>
/// <param name="Column">The schema column, such as <c>Checking account</c>.</param>
/// <param name="Value">The applicant's value, as the schema reads it (aliases resolved, such as <c>none</c> for <c>NA</c>).</param>
/// <param name="PointsLost">
/// The points the column took off the score against its reference encoding (all its features 0): factor · (z(x) − z(x with
/// the column at the reference)), z the model's log-odds of default and factor = PDO / ln 2. For logistic regression this
/// is the scorecard term factor · Σ wᵢxᵢ over the column's features; for a multilayer perceptron an occlusion attribution.
/// Always positive; the reasons of a prediction are sorted by it, largest first.
/// </param>
public sealed record PredictionReason(string Column, string Value, double PointsLost);
