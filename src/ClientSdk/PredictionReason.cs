using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk;

/// <summary>One attribute on which an applicant scored below the best attainable points, with the points lost (a reason code).</summary>
/// <param name="Column">The schema column, such as <c>Checking account</c>.</param>
/// <param name="Value">The applicant's value, as the schema reads it (aliases resolved, such as <c>none</c> for <c>NA</c>).</param>
/// <param name="PointsLost">
/// The points the applicant lost on this column against its best attainable value: factor · (z(x) − the lowest log-odds of
/// default reachable by changing this column alone), where factor = PDO / ln 2 (see <see cref="CreditPredictor"/>). For
/// logistic regression: factor · (Σ wᵢxᵢ over the column's features − the smallest sum any value of the column attains),
/// the attribute's reference points minus the applicant's (<see cref="ScorecardCharacteristic.ReferencePoints"/>).
/// Always positive; the reasons of a prediction are sorted by it, largest first.
/// </param>
public sealed record PredictionReason(string Column, string Value, double PointsLost)
{
    /// <summary>
    /// The <paramref name="count"/> reasons that lost the most points, largest first (ties by column order), from the
    /// points each column lost; one ordering for the scorecard and the predictor.
    /// </summary>
    internal static PredictionReason[] Top(IEnumerable<(int Column, double Points)> lost, int count, IReadOnlyList<FeatureColumn> columns, ParsedValue[] values) =>
    [
        .. lost
            .OrderByDescending(p => p.Points)
            .ThenBy(p => p.Column)
            .Take(count)
            .Select(p => new PredictionReason(columns[p.Column].Name, values[p.Column].Display, p.Points)),
    ];
}
