namespace PrivateFl.ClientSdk;

/// <summary>One characteristic (an unprotected schema column; its categories or bins are the attributes, in Siddiqi's terms) of a <see cref="CreditScorecard"/>.</summary>
/// <param name="Column">The schema column.</param>
/// <param name="Kind">Categorical (points per category) or numeric (points per bin, linear inside a bin).</param>
/// <param name="Transform">The transform of a numeric column before its linear points; <see cref="NumericTransform.None"/> for a categorical one.</param>
/// <param name="ReferencePoints">
/// The most points the attribute can give (its best category, or the better end of its range): the reference point that
/// reason codes are measured against. An applicant's points lost on the attribute are <paramref name="ReferencePoints"/>
/// minus the points the applicant's value gives.
/// </param>
/// <param name="Bins">The categories in vocabulary order, or the bins from the lowest; the worst attainable row gives 0 points.</param>
public sealed record ScorecardCharacteristic(string Column, FeatureKind Kind, NumericTransform Transform, double ReferencePoints, IReadOnlyList<ScorecardBin> Bins);
