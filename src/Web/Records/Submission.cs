using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SupervisionHub.Forms.Submissions;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;

namespace SupervisionHub.Web.Records;

public enum SubmissionStatus { Draft, Submitted, Signed }

/// <summary>
/// A filled form: answers against one frozen form version. Its lifecycle is guarded here, not
/// in pages: a draft saves freely; submitting needs valid answers (checked by the caller against
/// the version). A change never voids a signature by itself: a save that would alter what someone
/// signed is refused (<see cref="SignedRecordException"/>), and only <see cref="Reopen"/>, a
/// deliberate act with a reason, voids signatures (DESIGN.md: a signed record is read-only until
/// someone deliberately reopens it). Autosave once voided signatures silently as people typed.
/// </summary>
public sealed class Submission : ITenantOwned, IRaisesEvents
{
    private readonly List<DomainEvent> _events = [];

    private Submission() { }

    public Submission(FormVersion version, string? createdById, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        FormVersionId = version.Id;
        FormVersion = version;
        FormId = version.FormId;
        CreatedById = createdById;
        CreatedAt = now;
        UpdatedAt = now;
        AnswersJson = "{}";
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string FormId { get; private set; } = "";
    public int FormVersionId { get; private set; }
    public FormVersion FormVersion { get; private set; } = null!;

    /// <summary>Null for an anonymous questionnaire: no identity is stored with the answers.</summary>
    public string? CreatedById { get; private set; }

    public SubmissionStatus Status { get; private set; }
    public string AnswersJson { get; private set; } = "{}";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? SubmittedAt { get; private set; }
    public List<Signature> Signatures { get; private set; } = [];

    /// <summary>The supervision this record (or agreement) belongs to, and the session it records.</summary>
    public Guid? RelationshipId { get; private set; }
    public Guid? SessionId { get; private set; }

    /// <summary>When the last signature every party owes was given; cleared if a change voids one.</summary>
    public DateTimeOffset? FullySignedAt { get; private set; }

    public IReadOnlyList<DomainEvent> PendingEvents => _events;
    public void ClearEvents() => _events.Clear();

    public void LinkTo(Guid relationshipId, Guid? sessionId)
    {
        if (RelationshipId is not null && RelationshipId != relationshipId) throw new InvalidOperationException("A record belongs to one supervision.");
        RelationshipId = relationshipId;
        SessionId ??= sessionId;
    }

    /// <summary>Set when a change voided signatures, so the record can say so.</summary>
    public string? VoidNotice { get; private set; }

    public JsonObject Answers => JsonNode.Parse(AnswersJson) as JsonObject ?? [];

    public string ContentHash => Hash(AnswersJson);

    /// <summary>
    /// What a person's signature vouches for: the form version, every shared answer, and their own
    /// answers as a group member, but not other members' own answers, so one member filling in
    /// their part does not void another's signature.
    /// </summary>
    public string CoveredHash(JsonObject answers, string signerId)
    {
        var covered = answers.DeepClone().AsObject();
        covered.Remove(SubmissionValidator.MembersKey);
        if (answers[SubmissionValidator.MembersKey]?[signerId] is { } own) covered[SubmissionValidator.MembersKey] = new JsonObject { [signerId] = own.DeepClone() };
        return Hash(covered.ToJsonString());
    }

    private string Hash(string answersJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(FormVersion.ContentHash + "\n" + answersJson)));

    public IEnumerable<Signature> ValidSignatures => Signatures.Where(s => s.VoidedAt is null);

    public void SaveDraft(JsonObject answers, DateTimeOffset now) => Change(answers, now);

    public void Submit(JsonObject answers, DateTimeOffset now)
    {
        Change(answers, now);
        if (Status == SubmissionStatus.Draft)
        {
            Status = SubmissionStatus.Submitted;
            SubmittedAt = now;
            _events.Add(new DomainEvent(EventTypes.RecordSubmitted, now, RelationshipId, SessionId, CreatedById, Id));
        }
    }

    /// <summary>
    /// Every party has signed (the caller knows who owes a signature: see SignOff). This, not each
    /// single signature, is "record.signed": what rules wait for is the record being agreed by all.
    /// </summary>
    public void MarkFullySigned(bool isAgreement, DateTimeOffset now)
    {
        if (FullySignedAt is not null) return;
        FullySignedAt = now;
        _events.Add(new DomainEvent(isAgreement ? EventTypes.ContractSigned : EventTypes.RecordSigned, now, RelationshipId, SessionId, CreatedById, Id));
    }

    /// <param name="comment">What the signer adds, or where they disagree: part of the record, kept with the signature.</param>
    public Signature Sign(string signerId, string role, DateTimeOffset now, string? comment = null, bool disagrees = false)
    {
        if (Status == SubmissionStatus.Draft)
            throw new InvalidOperationException("A draft cannot be signed: submit it first.");
        if (ValidSignatures.Any(s => s.SignerId == signerId && s.Role == role))
            throw new InvalidOperationException("This person has already signed in this role.");
        var signature = new Signature(signerId, role, CoveredHash(Answers, signerId), now, comment, disagrees);
        Signatures.Add(signature);
        Status = SubmissionStatus.Signed;
        VoidNotice = null;
        return signature;
    }

    /// <summary>Whether saving these answers would alter what a valid signature vouches for.</summary>
    public bool WouldVoidSignatures(JsonObject answers) =>
        answers.ToJsonString() != AnswersJson && ValidSignatures.Any(s => s.ContentHash != CoveredHash(answers, s.SignerId));

    /// <summary>
    /// "Change this record": every signature is voided with the reason, and the record is open to
    /// change again; everyone signs afresh. The caller writes the audit entry with the change.
    /// </summary>
    public void Reopen(string reason, DateTimeOffset now)
    {
        var why = reason.Trim();
        if (why.Length == 0) throw new InvalidOperationException("A reason is needed to change a signed record.");
        var voided = ValidSignatures.ToList();
        if (voided.Count == 0) throw new InvalidOperationException("The record has no signatures to void: it can be changed as it is.");
        foreach (var s in voided) s.Void(now, why);
        VoidNotice = $"This record was reopened for changes on {now:d MMMM yyyy}, voiding {voided.Count} {(voided.Count == 1 ? "signature" : "signatures")}. Reason: {why}. It needs signing again.";
        Status = SubmissionStatus.Submitted;
        FullySignedAt = null;
    }

    private void Change(JsonObject answers, DateTimeOffset now)
    {
        var json = answers.ToJsonString();
        if (json == AnswersJson) return;
        // A signature vouches for exact content: a change to what it covers is refused, not allowed to void it.
        if (WouldVoidSignatures(answers)) throw new SignedRecordException();
        AnswersJson = json;
        UpdatedAt = now;
    }
}

/// <summary>Who signed, in which role, when, and the hash of exactly what they signed.</summary>
public sealed class Signature : ITenantOwned
{
    private Signature() { }

    public const int CommentMaxLength = 2000;

    public Signature(string signerId, string role, string contentHash, DateTimeOffset signedAt, string? comment = null, bool disagrees = false)
    {
        SignerId = signerId;
        Role = role;
        ContentHash = contentHash;
        SignedAt = signedAt;
        Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (Comment?.Length > CommentMaxLength) throw new InvalidOperationException($"A signing comment must be {CommentMaxLength} characters or fewer.");
        Disagrees = disagrees;
    }

    public int Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid SubmissionId { get; private set; }
    public string SignerId { get; private set; } = "";
    public string Role { get; private set; } = "";
    public string ContentHash { get; private set; } = "";
    public DateTimeOffset SignedAt { get; private set; }
    public DateTimeOffset? VoidedAt { get; private set; }

    /// <summary>The signer's comment when signing (the supervisee's view, or where they disagree).</summary>
    public string? Comment { get; private set; }

    /// <summary>The signer signed to say the record is what happened, while recording that they disagree with it.</summary>
    public bool Disagrees { get; private set; }

    /// <summary>Why it was voided: the reason given for changing the signed record.</summary>
    public string? VoidReason { get; private set; }

    public void Void(DateTimeOffset now, string reason)
    {
        if (VoidedAt is not null) return;
        VoidedAt = now;
        VoidReason = reason;
    }
}

/// <summary>A save that would alter what someone signed. The record stays as it was; "Change this record" reopens it.</summary>
public sealed class SignedRecordException() : InvalidOperationException(Text)
{
    public const string Text = "This record has been signed, so it is read-only. To change it, choose \"Change this record\": the signatures will be voided and everyone signs again.";
}
