namespace PrivateFl.Cluster.Rounds;

/// <summary>What one front end's cohorts of a round came to: their released sums and the round record's parts.</summary>
/// <param name="FrontEnd">The reporting front end.</param>
/// <param name="Participants">Every bank of its cohorts.</param>
/// <param name="Released">The sums its cohorts released.</param>
/// <param name="AbortReasons">Why each of its other cohorts aborted.</param>
/// <param name="Stages">Each stage's name (prefixed by the cohort when several), its duration in milliseconds and the banks alive after it.</param>
/// <param name="Culprits">Banks proven to have misbehaved, with the <c>Misbehaviour</c> value.</param>
/// <param name="Threshold">The first cohort's t, for the round record.</param>
/// <param name="Degree">The first cohort's k, for the round record.</param>
/// <param name="StartedUnixMs">When its first cohort started.</param>
[GenerateSerializer]
[Alias("privatefl.FrontEndReport")]
[Immutable]
public sealed record FrontEndReport(
    [property: Id(0)] string FrontEnd,
    [property: Id(1)] string[] Participants,
    [property: Id(2)] CohortSum[] Released,
    [property: Id(3)] string[] AbortReasons,
    [property: Id(4)] ReportedStage[] Stages,
    [property: Id(5)] ReportedCulprit[] Culprits,
    [property: Id(6)] int Threshold,
    [property: Id(7)] int Degree,
    [property: Id(8)] long StartedUnixMs);

/// <summary>One stage's timing in a round record.</summary>
/// <param name="Stage">The stage's name.</param>
/// <param name="Milliseconds">How long it took.</param>
/// <param name="AliveAfter">How many banks were alive after it.</param>
[GenerateSerializer]
[Alias("privatefl.ReportedStage")]
[Immutable]
public sealed record ReportedStage([property: Id(0)] string Stage, [property: Id(1)] double Milliseconds, [property: Id(2)] int AliveAfter);

/// <summary>A bank proven to have misbehaved in a round.</summary>
/// <param name="ClientId">The bank.</param>
/// <param name="Misbehaviour">What it did (the numeric <c>Misbehaviour</c> value).</param>
[GenerateSerializer]
[Alias("privatefl.ReportedCulprit")]
[Immutable]
public sealed record ReportedCulprit([property: Id(0)] string ClientId, [property: Id(1)] int Misbehaviour);
