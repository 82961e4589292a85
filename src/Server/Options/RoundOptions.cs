namespace PrivateFl.Server.Options;

/// <summary>How the coordinator runs rounds. Bound from the <c>RoundOptions</c> configuration section.</summary>
/// <remarks>A session may ask for more clients than <see cref="MinimumClients"/>, never fewer.</remarks>
public sealed class RoundOptions
{
    /// <summary>Gets or sets the fewest waiting clients that open a round, at least 3. Default: 3.</summary>
    public int MinimumClients { get; set; } = 3;

    /// <summary>Gets or sets how long the coordinator waits for more clients once the minimum is reached. Default: 2 seconds.</summary>
    public TimeSpan GatherWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how long a round opened on a cluster of several silos takes further front ends' cohorts before it is
    /// sealed; a silo alone seals at once. Default: 1 second.
    /// </summary>
    public TimeSpan CohortFormationWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets each stage's deadline; a client that has not answered by then has dropped out. Default: 30 seconds.</summary>
    public TimeSpan StageDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the time each participant adds to a round's stage deadline: a round of n clients gives each stage
    /// max(<see cref="StageDeadline"/>, n × this), at most one hour. The server's work per stage grows with n (one signed
    /// call per client, and the round's announcements), so a fixed deadline would drop every client of a large enough
    /// round. Zero keeps the deadline fixed. Default: 20 ms (4,000 clients: 80 seconds).
    /// </summary>
    public TimeSpan StageDeadlinePerClient { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest stage deadline <see cref="StageDeadlineFor"/> gives.</summary>
    internal static TimeSpan MaximumStageDeadline => TimeSpan.FromHours(1);

    /// <summary>The deadline of each stage of a round of <paramref name="clients"/> participants.</summary>
    /// <param name="clients">The round's participants.</param>
    /// <returns>max(<see cref="StageDeadline"/>, n × <see cref="StageDeadlinePerClient"/>), at most <see cref="MaximumStageDeadline"/>.</returns>
    internal TimeSpan StageDeadlineFor(int clients)
    {
        double scaled = Math.Min(StageDeadlinePerClient.TotalMilliseconds * Math.Max(0, clients), MaximumStageDeadline.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Math.Max(StageDeadline.TotalMilliseconds, scaled));
    }

    /// <summary>
    /// Gets or sets after how many proven protocol violations (specs/protocol.md §2.8), counted over all sessions
    /// since the bank's last enrolment, a bank is suspended: refused like a revoked bank until an operator re-enrols
    /// it. 0 never suspends. Default: 3.
    /// </summary>
    /// <remarks>A proven violation is never an honest bank's doing (a dropout is not one), so a small count suffices.</remarks>
    public int SuspendAfterMisbehaviours { get; set; } = 3;
}
