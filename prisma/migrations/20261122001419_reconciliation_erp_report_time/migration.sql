-- AlterTable
ALTER TABLE "reconciliation_erp_rows" ADD COLUMN     "source_updated_at" TIMESTAMP(3) NOT NULL;
