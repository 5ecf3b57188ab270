// Columns for admission and API-priority kinds: Mutating/ValidatingWebhookConfiguration (Webhooks count),
// ValidatingAdmissionPolicy[Binding], FlowSchema, PriorityLevelConfiguration.
// Upstream: pkg/printers/internalversion/printers.go.

import type {
  MutatingWebhookConfiguration,
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
  ValidatingWebhookConfiguration,
} from "kubernetes-types/admissionregistration/v1";
import type { FlowSchema, PriorityLevelConfiguration } from "kubernetes-types/flowcontrol/v1";
import { age } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";
import { labelSelectorString } from "./format.ts";

const webhookColumns = [
  nameColumn,
  column("Webhooks", "Webhooks indicates the number of webhooks registered in this configuration", {
    type: "integer",
  }),
  ageColumn,
];

export const webhookConfigurationPrinter = definePrinter<
  MutatingWebhookConfiguration | ValidatingWebhookConfiguration
>(webhookColumns, (w, now) => ({
  cells: [w.metadata?.name ?? "", (w.webhooks ?? []).length, age(w.metadata?.creationTimestamp, now)],
}));

export const validatingAdmissionPolicyPrinter = definePrinter<ValidatingAdmissionPolicy>(
  [
    nameColumn,
    column(
      "Validations",
      "Validations indicates the number of validation rules defined in this configuration",
      {
        type: "integer",
      },
    ),
    column("ParamKind", "ParamKind specifies the kind of resources used to parameterize this policy"),
    ageColumn,
  ],
  (p, now) => {
    const kind = p.spec?.paramKind;
    return {
      cells: [
        p.metadata?.name ?? "",
        (p.spec?.validations ?? []).length,
        kind ? `${kind.apiVersion ?? ""}/${kind.kind ?? ""}` : "<unset>",
        age(p.metadata?.creationTimestamp, now),
      ],
    };
  },
);

export const validatingAdmissionPolicyBindingPrinter = definePrinter<ValidatingAdmissionPolicyBinding>(
  [
    nameColumn,
    column("PolicyName", "PolicyName indicates the policy definition which the policy binding binded to"),
    column("ParamRef", "ParamRef indicates the param resource which sets the configration param"),
    ageColumn,
  ],
  (b, now) => {
    const ref = b.spec?.paramRef;
    let param = "<unset>";
    if (ref?.name) param = ref.namespace ? `${ref.namespace}/${ref.name}` : `*/${ref.name}`;
    else if (ref?.selector) param = labelSelectorString(ref.selector) ?? "";
    return {
      cells: [
        b.metadata?.name ?? "",
        b.spec?.policyName ?? "",
        param,
        age(b.metadata?.creationTimestamp, now),
      ],
    };
  },
);

export const flowSchemaPrinter = definePrinter<FlowSchema>(
  [
    nameColumn,
    column("PriorityLevel", columnDescriptions.fsPriorityLevel),
    column("MatchingPrecedence", columnDescriptions.fsMatchingPrecedence),
    column("DistinguisherMethod", columnDescriptions.fsDistinguisherMethod),
    ageColumn,
    column("MissingPL", "references a broken or non-existent PriorityLevelConfiguration"),
  ],
  (fs, now) => {
    const dangling = (fs.status?.conditions ?? []).find((c) => c.type === "Dangling");
    return {
      cells: [
        fs.metadata?.name ?? "",
        fs.spec?.priorityLevelConfiguration?.name ?? "",
        fs.spec?.matchingPrecedence ?? 0,
        fs.spec?.distinguisherMethod?.type ?? "<none>",
        age(fs.metadata?.creationTimestamp, now),
        dangling?.status ?? "?",
      ],
    };
  },
);

export const priorityLevelConfigurationPrinter = definePrinter<PriorityLevelConfiguration>(
  [
    nameColumn,
    column("Type", columnDescriptions.plType),
    column("NominalConcurrencyShares", columnDescriptions.plNominalConcurrencyShares),
    column("Queues", columnDescriptions.plQueues),
    column("HandSize", columnDescriptions.plHandSize),
    column("QueueLengthLimit", columnDescriptions.plQueueLengthLimit),
    ageColumn,
  ],
  (pl, now) => {
    const limited = pl.spec?.limited;
    const queuing = limited?.limitResponse?.queuing;
    return {
      cells: [
        pl.metadata?.name ?? "",
        pl.spec?.type ?? "",
        limited ? (limited.nominalConcurrencyShares ?? 0) : "<none>",
        queuing ? (queuing.queues ?? 0) : "<none>",
        queuing ? (queuing.handSize ?? 0) : "<none>",
        queuing ? (queuing.queueLengthLimit ?? 0) : "<none>",
        age(pl.metadata?.creationTimestamp, now),
      ],
    };
  },
);
