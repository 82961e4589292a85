namespace PrivateFl.Cluster.Rounds;

/// <summary>One cohort's unmasked sum: the only part of a cohort's data that leaves its front end.</summary>
/// <param name="Cohort">The cohort's number within its front end's part of the round.</param>
/// <param name="Participants">The cohort's size n (its quantizer's headroom is sized for n).</param>
/// <param name="Threshold">The cohort's t.</param>
/// <param name="Sum">Σ x_u of the included banks, mod 2^32.</param>
/// <param name="Included">The ids of the banks in the sum.</param>
[GenerateSerializer]
[Alias("privatefl.CohortSum")]
[Immutable]
public sealed record CohortSum(
    [property: Id(0)] int Cohort,
    [property: Id(1)] int Participants,
    [property: Id(2)] int Threshold,
    [property: Id(3)] uint[] Sum,
    [property: Id(4)] string[] Included);
