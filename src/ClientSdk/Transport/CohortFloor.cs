namespace PrivateFl.ClientSdk.Transport;

/// <summary>
/// The fewest banks this client accepts in its cohort: the session's minimum cohort size as the client read it when it
/// joined (<paramref name="Session"/>; 0 if the session stated none) and the bank's own floor (<paramref name="Own"/>,
/// FederatedClientOptions:MinimumCohortSize).
/// </summary>
internal readonly record struct CohortFloor(int Session, int Own);
