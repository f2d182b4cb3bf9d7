-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ConnectionKind" AS ENUM ('shopify', 'woocommerce', 'erp');

-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('active', 'error', 'disconnected');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'support', 'accountant');

-- CreateEnum
CREATE TYPE "InboxStatus" AS ENUM ('received', 'enqueued', 'processing', 'processed', 'failed', 'dead', 'ignored', 'paused', 'rejected');

-- CreateEnum
CREATE TYPE "MovementKind" AS ENUM ('sale', 'release', 'adjustment', 'erp_change');

-- CreateEnum
CREATE TYPE "MovementStatus" AS ENUM ('pending', 'posted', 'reflected', 'failed');

-- CreateEnum
CREATE TYPE "SyncStatus" AS ENUM ('in_sync', 'pending', 'pushing', 'error', 'paused', 'unmapped', 'deleted');

-- CreateEnum
CREATE TYPE "DeadLetterStatus" AS ENUM ('open', 'replayed', 'discarded');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "DiscrepancyClass" AS ENUM ('channel_high', 'channel_low', 'missing_listing', 'unmapped');

-- CreateTable
CREATE TABLE "connections" (
    "id" UUID NOT NULL,
    "kind" "ConnectionKind" NOT NULL,
    "erp_type" TEXT,
    "name" TEXT NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "credentials" BYTEA NOT NULL,
    "credentials_key_id" TEXT NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "status" "ConnectionStatus" NOT NULL DEFAULT 'active',
    "last_tested_at" TIMESTAMP(3),
    "last_test_result" JSONB,
    "webhook_registrations" JSONB NOT NULL DEFAULT '[]',
    "poll_cursor" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "location_mappings" (
    "id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "external_location_id" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "warehouse_codes" TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "location_mappings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "skus" (
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "unit_cost" DECIMAL(18,4),
    "is_bundle" BOOLEAN NOT NULL DEFAULT false,
    "version" BIGINT NOT NULL DEFAULT 0,
    "fence_token" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "skus_pkey" PRIMARY KEY ("sku")
);

-- CreateTable
CREATE TABLE "bundle_components" (
    "bundle_sku" TEXT NOT NULL,
    "component_sku" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "bundle_components_pkey" PRIMARY KEY ("bundle_sku","component_sku")
);

-- CreateTable
CREATE TABLE "listings" (
    "id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "external_product_id" TEXT NOT NULL,
    "external_variant_id" TEXT NOT NULL,
    "external_inventory_item_id" TEXT,
    "title" TEXT NOT NULL DEFAULT '',
    "manage_stock" BOOLEAN NOT NULL DEFAULT true,
    "state" TEXT NOT NULL DEFAULT 'active',
    "last_seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "listings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stock_snapshots" (
    "connection_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "warehouse" TEXT NOT NULL,
    "on_hand" INTEGER NOT NULL,
    "reserved" INTEGER NOT NULL DEFAULT 0,
    "incoming" INTEGER NOT NULL DEFAULT 0,
    "available" INTEGER NOT NULL,
    "source_updated_at" TIMESTAMP(3) NOT NULL,
    "fetched_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_snapshots_pkey" PRIMARY KEY ("connection_id","sku","warehouse")
);

-- CreateTable
CREATE TABLE "movements" (
    "id" BIGSERIAL NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "connection_id" UUID NOT NULL,
    "kind" "MovementKind" NOT NULL,
    "quantity" INTEGER NOT NULL,
    "status" "MovementStatus" NOT NULL DEFAULT 'pending',
    "source_event_id" UUID,
    "source_ref" TEXT NOT NULL,
    "erp_reference" TEXT,
    "correlation_id" TEXT,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "posted_at" TIMESTAMP(3),
    "reflected_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "movements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_states" (
    "sku" TEXT NOT NULL,
    "connection_id" UUID NOT NULL,
    "external_location_id" TEXT NOT NULL DEFAULT 'default',
    "target" INTEGER,
    "last_pushed" INTEGER,
    "last_pushed_at" TIMESTAMP(3),
    "last_seen" INTEGER,
    "last_seen_at" TIMESTAMP(3),
    "last_event_at" TIMESTAMP(3),
    "version" BIGINT NOT NULL DEFAULT 0,
    "status" "SyncStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "out_of_sync_since" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "sync_states_pkey" PRIMARY KEY ("sku","connection_id","external_location_id")
);

-- CreateTable
CREATE TABLE "inbox_events" (
    "id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "webhook_id" TEXT,
    "resource_id" TEXT,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "payload" TEXT NOT NULL,
    "triggered_at" TIMESTAMP(3),
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "InboxStatus" NOT NULL DEFAULT 'received',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "correlation_id" TEXT NOT NULL,
    "enqueued_at" TIMESTAMP(3),
    "processed_at" TIMESTAMP(3),

    CONSTRAINT "inbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "sku" TEXT,
    "connection_id" UUID,
    "before" JSONB,
    "after" JSONB,
    "note" TEXT,
    "correlation_id" TEXT,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "channel_calls" (
    "id" BIGSERIAL NOT NULL,
    "connection_id" UUID NOT NULL,
    "operation" TEXT NOT NULL,
    "skus" TEXT[],
    "ok" BOOLEAN NOT NULL,
    "http_status" INTEGER,
    "error_code" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "cost" INTEGER,
    "correlation_id" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "channel_calls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dead_letters" (
    "id" UUID NOT NULL,
    "job_name" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "connection_id" UUID,
    "sku" TEXT,
    "inbox_event_id" UUID,
    "error_code" TEXT NOT NULL,
    "error_message" TEXT NOT NULL,
    "context" JSONB NOT NULL DEFAULT '{}',
    "attempts" INTEGER NOT NULL,
    "status" "DeadLetterStatus" NOT NULL DEFAULT 'open',
    "correlation_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "replayed_at" TIMESTAMP(3),
    "replay_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliation_runs" (
    "id" UUID NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "scope" JSONB NOT NULL DEFAULT '{}',
    "heal" BOOLEAN NOT NULL DEFAULT false,
    "requested_by" TEXT NOT NULL,
    "progress" JSONB NOT NULL DEFAULT '{}',
    "totals" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "heartbeat_at" TIMESTAMP(3),

    CONSTRAINT "reconciliation_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "discrepancies" (
    "id" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "connection_id" UUID NOT NULL,
    "external_location_id" TEXT NOT NULL DEFAULT 'default',
    "expected" INTEGER,
    "actual" INTEGER,
    "delta" INTEGER NOT NULL,
    "unit_cost" DECIMAL(18,4),
    "value" DECIMAL(18,4),
    "classification" "DiscrepancyClass" NOT NULL,
    "healed" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "discrepancies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_login_at" TIMESTAMP(3),

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "ip" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id_hash")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "connections_kind_deleted_at_idx" ON "connections"("kind", "deleted_at");

-- CreateIndex
CREATE UNIQUE INDEX "location_mappings_connection_id_external_location_id_key" ON "location_mappings"("connection_id", "external_location_id");

-- CreateIndex
CREATE INDEX "bundle_components_component_sku_idx" ON "bundle_components"("component_sku");

-- CreateIndex
CREATE INDEX "listings_connection_id_sku_idx" ON "listings"("connection_id", "sku");

-- CreateIndex
CREATE INDEX "listings_sku_idx" ON "listings"("sku");

-- CreateIndex
CREATE UNIQUE INDEX "listings_connection_id_external_variant_id_key" ON "listings"("connection_id", "external_variant_id");

-- CreateIndex
CREATE INDEX "stock_snapshots_sku_idx" ON "stock_snapshots"("sku");

-- CreateIndex
CREATE UNIQUE INDEX "movements_idempotency_key_key" ON "movements"("idempotency_key");

-- CreateIndex
CREATE INDEX "movements_sku_status_idx" ON "movements"("sku", "status");

-- CreateIndex
CREATE INDEX "movements_occurred_at_idx" ON "movements"("occurred_at");

-- CreateIndex
CREATE INDEX "movements_connection_id_occurred_at_idx" ON "movements"("connection_id", "occurred_at");

-- CreateIndex
CREATE INDEX "sync_states_connection_id_status_idx" ON "sync_states"("connection_id", "status");

-- CreateIndex
CREATE INDEX "sync_states_status_out_of_sync_since_idx" ON "sync_states"("status", "out_of_sync_since");

-- CreateIndex
CREATE INDEX "inbox_events_status_received_at_idx" ON "inbox_events"("status", "received_at");

-- CreateIndex
CREATE INDEX "inbox_events_connection_id_received_at_idx" ON "inbox_events"("connection_id", "received_at");

-- CreateIndex
CREATE INDEX "inbox_events_topic_received_at_idx" ON "inbox_events"("topic", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "inbox_events_connection_id_dedupe_key_key" ON "inbox_events"("connection_id", "dedupe_key");

-- CreateIndex
CREATE INDEX "audit_entries_entity_type_entity_id_at_idx" ON "audit_entries"("entity_type", "entity_id", "at");

-- CreateIndex
CREATE INDEX "audit_entries_sku_at_idx" ON "audit_entries"("sku", "at");

-- CreateIndex
CREATE INDEX "audit_entries_at_idx" ON "audit_entries"("at");

-- CreateIndex
CREATE INDEX "audit_entries_correlation_id_idx" ON "audit_entries"("correlation_id");

-- CreateIndex
CREATE INDEX "channel_calls_connection_id_at_idx" ON "channel_calls"("connection_id", "at");

-- CreateIndex
CREATE INDEX "channel_calls_at_idx" ON "channel_calls"("at");

-- CreateIndex
CREATE INDEX "dead_letters_status_created_at_idx" ON "dead_letters"("status", "created_at");

-- CreateIndex
CREATE INDEX "dead_letters_sku_idx" ON "dead_letters"("sku");

-- CreateIndex
CREATE INDEX "reconciliation_runs_created_at_idx" ON "reconciliation_runs"("created_at");

-- CreateIndex
CREATE INDEX "discrepancies_run_id_classification_idx" ON "discrepancies"("run_id", "classification");

-- CreateIndex
CREATE INDEX "discrepancies_sku_idx" ON "discrepancies"("sku");

-- CreateIndex
CREATE UNIQUE INDEX "discrepancies_run_id_sku_connection_id_external_location_id_key" ON "discrepancies"("run_id", "sku", "connection_id", "external_location_id");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- AddForeignKey
ALTER TABLE "location_mappings" ADD CONSTRAINT "location_mappings_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bundle_components" ADD CONSTRAINT "bundle_components_bundle_sku_fkey" FOREIGN KEY ("bundle_sku") REFERENCES "skus"("sku") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bundle_components" ADD CONSTRAINT "bundle_components_component_sku_fkey" FOREIGN KEY ("component_sku") REFERENCES "skus"("sku") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "listings" ADD CONSTRAINT "listings_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stock_snapshots" ADD CONSTRAINT "stock_snapshots_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "movements" ADD CONSTRAINT "movements_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_states" ADD CONSTRAINT "sync_states_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inbox_events" ADD CONSTRAINT "inbox_events_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discrepancies" ADD CONSTRAINT "discrepancies_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "reconciliation_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
